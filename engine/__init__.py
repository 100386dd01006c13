"""OneWindow engine: domain logic independent of transport and storage."""
