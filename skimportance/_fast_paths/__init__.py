"""Fast paths: the ordered registry of candidates, exact first-layer updates, through a Pipeline's prefix."""
