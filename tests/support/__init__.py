"""What tests share: the pretend workspace, the served app, the Slack driver, the flows that build
projects and their scheduled work, passes run in process, `pmo-bot` as a process.

Test modules import helpers from here, never from each other or from conftest.
"""
