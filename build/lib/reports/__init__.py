"""Reports: weekly batch report, module specification drafts."""
