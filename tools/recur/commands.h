// The CLI's subcommands. Each returns the process exit code: 0 ok, 1 error, 2 bad usage.
#pragma once
#include <string>

#include "core/error.h"

namespace recur::cli {

int cmd_train(int argc, char** argv);
int cmd_generate(int argc, char** argv);
int cmd_probs(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_info(int argc, char** argv);

/// Prints "recur <command>: <message>" to stderr and returns the exit code for it.
int fail(const char* command, const Status& s);

}  // namespace recur::cli
