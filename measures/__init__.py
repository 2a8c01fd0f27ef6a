"""The measures app: the measure catalogue, implementing authorities and their portal, granted
measures, implementation, legal holds; the Board (board/) and letters (letters/)."""
