"""Importance: compute_importances (shared by the function and the selector), responders, shared parameters, the public function."""
