#pragma once
// The data export of a transformer's run (pretrained or trained): every layer × head, the
// rollout, the ids it ran on and its predictions, as {"format": "attention-lab-model/1", …}.

#include "core/model/model.h"

#include <iosfwd>

namespace attnlab::core {

/// {"format": "attention-lab-model/1", "model": {"name", "architecture", "layers", "heads",
/// "kv_heads", "d_model", "vocab_size"}, "sentence", "tokens", "token_ids", "token_pieces",
/// "layers": [{"heads": [{"weights": [[…]]}]}], "rollout", "predictions": [{"position", "top":
/// [{"id", "text", "probability"}]}], "warnings"}. `tokens` label the rows and columns of the
/// maps (words when aggregated); `token_ids` are exactly the ids the model ran on. Asserts that
/// output.transformer is set.
void writeModelJson(const ModelOutput& output, std::ostream& out);

} // namespace attnlab::core
