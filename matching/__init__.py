"""Pure matching library: the exhibitor catalogue, the topic taxonomy and the matching engine."""
