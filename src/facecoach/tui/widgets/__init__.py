"""Widgets that draw facecoach's own pictures: the face map, the calendar heatmap."""
