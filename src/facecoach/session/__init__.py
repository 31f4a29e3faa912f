"""The session engine: clock, timeline planning and the session state machine (no UI imports).

Import from the modules themselves (`session.clock`, `session.timeline`, `session.engine`): the
package re-exports nothing, so the app's start, which needs only the clock, loads no engine.
"""
