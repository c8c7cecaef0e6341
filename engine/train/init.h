// Starting points for training other than PyTorch's random initialisation: a pre-trained model's
// weights (fine-tuning, or a tagger whose encoder was trained as a character LM) and the LSTM
// forget-gate bias. Used by `recur train --init/--forget-bias` and by createModel in JavaScript.
#pragma once
#include <cstdint>

#include "core/error.h"
#include "model/model.h"

namespace recur {

/// Copies into `to` what transfers from a trained model `from` of the same cell and embedding
/// width: every recurrent or encoder tensor (rnn.*, encoder.*) of the same name and shape, the
/// embedding row of every symbol both vocabularies have, and, from a model of the same task and head
/// input width, the head row and bias of every shared output (an lm's symbols, a tagger's or
/// classifier's labels, by name). Returns the number of parameters copied; an error if the cells or
/// embedding widths differ or nothing matches.
Result<int64_t> init_from(Model<float>& to, const Model<float>& from);

/// Adds `value` to the forget gate's bias in every LSTM layer and direction (rows [H, 2H) of
/// bias_hh, PyTorch's i, f, g, o order): 1 is the usual choice for long memory, since the cell
/// then starts out keeping its state. An error for other cells or a non-finite value.
Status add_forget_bias(Model<float>& m, float value);

}  // namespace recur
