// The recurrent cell kinds, as PyTorch names them (nn.RNN with tanh or relu, nn.LSTM, nn.GRU).
#pragma once
#include <string>

#include "core/error.h"

namespace recur {

enum class CellKind { kRnnTanh, kRnnRelu, kLstm, kGru };

/// G: gate rows per hidden unit (RNN 1, GRU 3, LSTM 4).
int gate_count(CellKind cell);
const char* cell_name(CellKind c);
/// "rnn_tanh" (or "rnn"), "rnn_relu", "lstm", "gru".
Result<CellKind> parse_cell(const std::string& s);

}  // namespace recur
