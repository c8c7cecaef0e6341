// Names and gate counts of the cell kinds (cell_kind.h).
#include "cells/cell_kind.h"

namespace recur {

int gate_count(CellKind cell) {
  switch (cell) {
    case CellKind::kLstm: return 4;
    case CellKind::kGru: return 3;
    case CellKind::kTransformer: return 0;
    default: return 1;
  }
}

const char* cell_name(CellKind c) {
  switch (c) {
    case CellKind::kRnnTanh: return "rnn_tanh";
    case CellKind::kRnnRelu: return "rnn_relu";
    case CellKind::kLstm: return "lstm";
    case CellKind::kGru: return "gru";
    default: return "transformer";
  }
}

Result<CellKind> parse_cell(const std::string& s) {
  if (s == "rnn_tanh" || s == "rnn") return CellKind::kRnnTanh;
  if (s == "rnn_relu") return CellKind::kRnnRelu;
  if (s == "lstm") return CellKind::kLstm;
  if (s == "gru") return CellKind::kGru;
  if (s == "transformer") return CellKind::kTransformer;
  return invalid_argument("unknown cell \"" + s + "\": expected rnn_tanh, rnn_relu, lstm, gru or transformer");
}

}  // namespace recur
