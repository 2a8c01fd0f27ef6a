"""Spanish (Mexico) date and time formats."""
