#!/bin/sh
# make demo: until the engine lands, check the bundled demo configuration and
# print its resolved types.
set -e
./bin/vigil check testdata/demo
echo "testdata/demo: configuration is valid"
