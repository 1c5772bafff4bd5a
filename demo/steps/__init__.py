"""The `load_demo` steps, one module each, run in the order of load_demo.STEPS."""
