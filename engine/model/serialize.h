// The model file: safetensors with PyTorch state_dict names and a recur __metadata__ block
// (format, version, config, vocab, labels). models/FORMAT.md specifies it byte by byte.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "model/model.h"

namespace recur {

/// Largest header accepted by the loader (the same limit as the safetensors library).
constexpr uint64_t kMaxHeaderBytes = 100u * 1000 * 1000;
/// Most JSON values a header may hold: a model has at most 2 + 4 * 16 * 2 tensors of 8 values
/// each plus a few metadata strings, and the count bounds the parser's memory (util/json.h).
constexpr size_t kMaxHeaderValues = size_t(1) << 14;
/// Largest model file load_model_file reads.
constexpr uint64_t kMaxModelFileBytes = uint64_t(2) << 30;

/// Serialises a model: F32 tensors in param_layout order, header padded to 8 bytes. Deterministic:
/// the same model always gives the same bytes.
std::vector<uint8_t> save_safetensors(const Model<float>& m);

/// Parses and validates a model file held in memory. Accepts F32, F16 and BF16 tensors in any
/// order, as safetensors.torch.save_file writes them, and matrices stored as I8 with one scale per
/// row (X.scale: a quarter of the bytes, for downloads); every size and offset is checked against
/// `size` before anything is allocated, and non-finite weights are refused.
Result<Model<float>> load_safetensors(const uint8_t* data, size_t size);

/// Writes path + ".tmp", then renames it over path, so a crash never leaves half a model.
Status save_model_file(const Model<float>& m, const std::string& path);

/// Reads a whole file (at most kMaxModelFileBytes) and loads it with load_safetensors.
Result<Model<float>> load_model_file(const std::string& path);

}  // namespace recur
