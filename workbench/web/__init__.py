"""Sources from the web (issue #15): fetching a URL safely and archiving what came back.

``fetch`` gets one page within limits and refuses addresses a shared workbench must
not reach (SSRF guard); ``archive`` keeps the raw responses in a WARC file beside the
database; ``anchoring`` finds a linked sentence again in a new version of a page.
"""
