// LambdaApi: the Lambda REST-JSON API (model lambda 2015-03-31, the operations that code signing
// touches) over a LambdaService, so that `aws lambda …` and the AWS SDKs work against signetd.
//
// Routes by method and the model's request URIs, version prefixes included (2015-03-31
// functions, 2018-10-31 layers, 2020-04-22 code signing configs, 2020-06-30 a function's
// config); a trailing slash is tolerated (the AWS CLI v2 sends one on create). Responses use
// the model's status codes (201 on create and publish, 204 on delete). Errors are Lambda's:
// header x-amzn-ErrorType and a body {"Type": "User"|"Service", "message"|"Message": …} with
// the member name the exception's shape uses. Lists page with Marker / MaxItems / NextMarker.
//
// Thread-safe as the LambdaService is; holds no state of its own.
#pragma once

#include "api/http_message.h"
#include "deploy/lambda_service.h"

namespace signet::api {

class LambdaApi {
 public:
  // `service` must outlive this object.
  explicit LambdaApi(deploy::LambdaService& service) : service_(service) {}

  // Never throws; every failure is a Lambda-shaped error response.
  ApiResponse Handle(const ApiRequest& request);

 private:
  deploy::LambdaService& service_;
};

}  // namespace signet::api
