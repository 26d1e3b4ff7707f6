namespace Platform.Api.Tests.Support;

/// <summary>Responses written the way OpenAI documents them, for proving the schema validator both passes and fails.</summary>
internal static class OpenAiExamples
{
    public const string ChatCompletion = """
        {
          "id": "chatcmpl-123",
          "object": "chat.completion",
          "created": 1677652288,
          "model": "gpt-4o-mini",
          "system_fingerprint": "fp_44709d6fcb",
          "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": "Hello there, how may I assist you today?", "refusal": null, "annotations": [] },
            "logprobs": null,
            "finish_reason": "stop"
          }],
          "usage": {
            "prompt_tokens": 9,
            "completion_tokens": 12,
            "total_tokens": 21,
            "prompt_tokens_details": { "cached_tokens": 0, "audio_tokens": 0 },
            "completion_tokens_details": { "reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0 }
          },
          "service_tier": "default"
        }
        """;

    public const string ChatLogprobs = """
        {
          "content": [{
            "token": "Hello",
            "logprob": -0.31725305,
            "bytes": [72, 101, 108, 108, 111],
            "top_logprobs": [{ "token": "Hello", "logprob": -0.31725305, "bytes": [72, 101, 108, 108, 111] }, { "token": "Hi", "logprob": -1.3190403, "bytes": null }]
          }],
          "refusal": null
        }
        """;

    public const string ChatChunkFirst = """
        {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}
        """;

    public const string ChatChunkLast = """
        {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}
        """;

    public const string ChatChunkUsage = """
        {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}
        """;

    public const string Completion = """
        {
          "id": "cmpl-uqkvlQyYK7bGYrRHQ0eXlWi7",
          "object": "text_completion",
          "created": 1589478378,
          "model": "gpt-3.5-turbo-instruct",
          "system_fingerprint": "fp_44709d6fcb",
          "choices": [{ "text": "\n\nThis is indeed a test", "index": 0, "logprobs": null, "finish_reason": "length" }],
          "usage": { "prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12 }
        }
        """;

    public const string CompletionLogprobs = """
        { "tokens": ["\n", "This"], "token_logprobs": [-0.25, -1.5], "top_logprobs": [{ "\n": -0.25, "\n\n": -1.75 }, { "This": -1.5 }], "text_offset": [13, 14] }
        """;

    public const string ModelList = """
        {
          "object": "list",
          "data": [
            { "id": "model-id-0", "object": "model", "created": 1686935002, "owned_by": "organization-owner" },
            { "id": "model-id-1", "object": "model", "created": 1686935002, "owned_by": "openai", "shutdown_date": null }
          ]
        }
        """;

    public const string Model = """
        { "id": "gpt-4o-mini", "object": "model", "created": 1686935002, "owned_by": "openai" }
        """;

    public const string Error = """
        {"error":{"message":"m","type":"invalid_request_error","param":null,"code":null}}
        """;

    public const string Moderation = """
        {
          "id": "modr-XXXXX",
          "model": "omni-moderation-latest",
          "results": [{
            "flagged": true,
            "categories": {
              "hate": false, "hate/threatening": false, "harassment": false, "harassment/threatening": false,
              "illicit": null, "illicit/violent": false, "self-harm": false, "self-harm/intent": false,
              "self-harm/instructions": false, "sexual": false, "sexual/minors": false, "violence": true, "violence/graphic": false
            },
            "category_scores": {
              "hate": 0.01, "hate/threatening": 0.002, "harassment": 0.03, "harassment/threatening": 0.001,
              "illicit": 0.0, "illicit/violent": 0.0, "self-harm": 0.0, "self-harm/intent": 0.0,
              "self-harm/instructions": 0.0, "sexual": 1.5e-6, "sexual/minors": 2.2e-8, "violence": 0.99, "violence/graphic": 0.1
            },
            "category_applied_input_types": {
              "hate": ["text"], "hate/threatening": ["text"], "harassment": ["text"], "harassment/threatening": ["text"],
              "illicit": ["text"], "illicit/violent": ["text"], "self-harm": ["text", "image"], "self-harm/intent": ["text"],
              "self-harm/instructions": ["text"], "sexual": ["text", "image"], "sexual/minors": ["text"], "violence": ["image"], "violence/graphic": []
            }
          }]
        }
        """;

    /// <summary>A filter nested through <c>$recursiveRef</c>; both filter schemas forbid additional properties.</summary>
    public const string CompoundFilter = """
        { "type": "and", "filters": [{ "type": "eq", "key": "region", "value": "eu" }, { "type": "or", "filters": [{ "type": "gte", "key": "year", "value": 2020 }] }] }
        """;
}
