// explain.h: `glasstls explain`, the illustrated view of TLS connections read
// from a capture.
#pragma once

namespace glasstls::cli {

// explain_main runs `glasstls explain INPUT [--keylog FILE] [--json] [--html
// FILE]` with the whole command line (argv[1] is "explain") and returns the
// process exit status: 0 when at least one TLS connection was shown, 1 when the
// input holds none, 2 on a usage or input error.
int explain_main(int argc, char** argv);

}  // namespace glasstls::cli
