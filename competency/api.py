"""What other apps may call or plug into in the competency app (in the manner of Open edX's `grades/api.py`).

The framework knows nothing of courses: an app that offers a remedy for a gap (courses: the live
courses that build a competency to a level) registers a provider when it is ready, so the
dependency runs from that app to this one.
"""

from collections.abc import Callable

# A provider maps {competency_id: required level} to {competency_id: [remedy, ...]}.
RemedyProvider = Callable[[dict[int, int]], dict[int, list]]

_remedy_providers: list[RemedyProvider] = []


def remedy_provider_register(provider: RemedyProvider) -> RemedyProvider:
    """Add a provider of remedies for competency gaps (idempotent); returns it, so it can decorate."""
    if provider not in _remedy_providers:
        _remedy_providers.append(provider)
    return provider


def remedies_for(competency_levels: dict[int, int]) -> dict[int, list]:
    """{competency_id: [remedy, ...]} from every registered provider, in registration order."""
    result: dict[int, list] = {}
    if not competency_levels:
        return result
    for provider in _remedy_providers:
        for competency_id, remedies in provider(competency_levels).items():
            result.setdefault(competency_id, []).extend(remedies)
    return result
