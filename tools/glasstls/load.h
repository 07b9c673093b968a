// load.h: `glasstls load`, a load generator for a glasstls (or any TLS 1.3 echo) server on the
// loopback interface.
#pragma once

namespace glasstls::cli {

// load_main runs `glasstls load HOST:PORT -n N [options]` (argv[1] is "load") and returns the
// process exit status: 0 when all N connections were established with no failure, 1 when some
// failed or the duration passed first, 2 for a usage error.
int load_main(int argc, char** argv);

}  // namespace glasstls::cli
