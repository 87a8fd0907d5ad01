"""Plan content from open, keyless sources: exchange rates (Frankfurter, the ECB's reference
rates), sights, food and beds with their prices (Wikivoyage listings). The values and
interfaces are in ``base``; each source has its module."""
