"""Business rules over the models: plain functions and small classes, no HTTP."""
