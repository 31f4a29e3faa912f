"""The Textual front end. Screens render state and send intents; rules live below `facecoach`."""
