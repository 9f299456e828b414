// Internal to api/: the output shapes of the Lambda service model (2015-03-31, the code signing
// subset), rendered from the Store's records. Optional members without a value are omitted;
// timestamps are Lambda's ISO 8601 strings ("2026-06-01T12:00:00.000+0000").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/time.h"
#include "store/code_signing_config_record.h"
#include "store/function_record.h"

namespace signet::api::lambda_shapes {

using Json = nlohmann::json;

std::string LambdaTimestamp(Timestamp t);

// CodeSigningConfig.
Json CodeSigningConfig(const store::CodeSigningConfigRecord& config);
// FunctionConfiguration (of $LATEST).
Json FunctionConfiguration(const store::FunctionRecord& function);
// GetFunctionResponse: the configuration and where the code is.
Json GetFunctionResponse(const store::FunctionRecord& function);
// PublishLayerVersionResponse / GetLayerVersionResponse.
Json LayerVersion(const store::LayerVersionRecord& layer);
// LayerVersionsListItem.
Json LayerVersionsListItem(const store::LayerVersionRecord& layer);

}  // namespace signet::api::lambda_shapes
