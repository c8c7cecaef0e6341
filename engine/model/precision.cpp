// Precision names and Int8Weights (precision.h).
#include "model/precision.h"

#include "cells/cell.h"
#include "model/network.h"

namespace recur {

const char* precision_name(Precision p) { return p == Precision::kInt8 ? "int8" : "float32"; }

std::vector<std::string> precision_names() { return {"float32", "int8"}; }

Result<Precision> parse_precision(std::string_view name) {
  if (name == "float32") return Precision::kFloat32;
  if (name == "int8") return Precision::kInt8;
  return bad_option("precision", "must be \"float32\" or \"int8\", got \"" + std::string(name) + "\"");
}

void Int8Weights::configure(const Config& c, int ih_from, bool head) {
  cfg_ = c;
  ih_from_ = ih_from;
  with_head_ = head;
  ready_ = false;
}

void Int8Weights::build(const Params<float>& p) {
  const int L = cfg_.num_layers, H = cfg_.hidden_size;
  head_ = with_head_ ? quantize_rows(output_size(cfg_), H, p.ptr(p.tensors[head_weight_index(cfg_)]), H)
                     : I8Matrix{};
  if (is_transformer(cfg_)) {
    // (rows, cols) of in_proj, out_proj, linear1, linear2: the weights at even offsets of a layer's tensors.
    const int F = cfg_.ff_size, shape[4][2] = {{3 * H, H}, {H, H}, {F, H}, {H, F}};
    enc_.assign(size_t(L) * 4, I8Matrix{});
    for (int k = 0; k < L; ++k)
      for (int j = 0; j < 4; ++j)
        enc_[size_t(k) * 4 + size_t(j)] = quantize_rows(
            shape[j][0], shape[j][1], p.ptr(p.tensors[size_t(encoder_index(k) + 2 * j)]), shape[j][1]);
    ready_ = true;
    return;
  }
  const int GH = gate_count(cfg_.cell) * H;
  w_ih_.assign(size_t(L), I8Matrix{});
  w_hh_.assign(size_t(L), I8Matrix{});
  for (int k = 0; k < L; ++k) {
    const CellWeights<float> w = cell_weights(cfg_, p, k, 0);
    if (k >= ih_from_) w_ih_[size_t(k)] = quantize_rows(GH, w.I, w.w_ih, w.I);
    w_hh_[size_t(k)] = quantize_rows(GH, H, w.w_hh, H);
  }
  ready_ = true;
}

}  // namespace recur
