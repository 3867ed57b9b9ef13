"""What tests share: the Slack driver, flows that build a project, integrity checks, a TCP proxy.

Test modules import helpers from here, never from each other.
"""
