// The layer kinds, as PyTorch names them: the recurrent cells (nn.RNN with tanh or relu, nn.LSTM,
// nn.GRU) and the Transformer encoder (nn.TransformerEncoderLayer, attention/encoder.h).
#pragma once
#include <string>

#include "core/error.h"

namespace recur {

enum class CellKind { kRnnTanh, kRnnRelu, kLstm, kGru, kTransformer };

/// G: gate rows per hidden unit (RNN 1, GRU 3, LSTM 4; a Transformer has no gates: 0).
int gate_count(CellKind cell);
const char* cell_name(CellKind c);
/// "rnn_tanh" (or "rnn"), "rnn_relu", "lstm", "gru", "transformer".
Result<CellKind> parse_cell(const std::string& s);

}  // namespace recur
