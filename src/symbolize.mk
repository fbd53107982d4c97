# src/symbolize.mk: native symbolization (libdwfl)
