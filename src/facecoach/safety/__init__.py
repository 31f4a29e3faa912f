"""Safety: contraindication screening, waiting periods after injections, pre-session checks."""
