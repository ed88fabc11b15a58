"""Pytest plugin for the local Spoki API simulator (fixtures land in the next commit).

Stage: test support. Input: none yet. Output: nothing yet; the module exists so that the
`pytest11` entry point loads.
"""
