# docs/local.mk: the man page and the documents shipped with the sources.
dist_man_MANS += docs/memattach.1
EXTRA_DIST += docs/capture-format.md docs/performance.md docs/design-notes.md docs/payload.md
