#!/bin/sh
# autogen.sh: generate ./configure from configure.ac and Makefile.am (needs autoconf, automake).
set -e
cd "$(dirname "$0")"
autoreconf --install --force
