"""The service catalog: services and their process model versions."""
