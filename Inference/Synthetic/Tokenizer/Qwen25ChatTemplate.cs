namespace Platform.Inference.Synthetic.Tokenizer;

/// <summary>
/// Qwen2.5's chat template, verbatim: ChatML (the tokens the synthetic vocabulary has) with Hermes-style tool
/// calling, so the built-in model answers requests with <c>tools</c>.
/// </summary>
internal static class Qwen25ChatTemplate
{
    public const string Source = """"
{%-  if tools  %}
    {{-  '<|im_start|>system
' }}
    {%-  if messages[0]['role'] == 'system'  %}
        {{-  messages[0]['content'] }}
    {%-  else  %}
        {{-  'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%-  endif  %}
    {{-  "

# Tools

You may call one or more functions to assist with the user query.

You are provided with function signatures within <tools></tools> XML tags:
<tools>" }}
    {%-  for tool in tools  %}
        {{-  "
" }}
        {{-  tool | tojson }}
    {%-  endfor  %}
    {{-  "
</tools>

For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:
<tool_call>
{\"name\": <function-name>, \"arguments\": <args-json-object>}
</tool_call><|im_end|>
" }}
{%-  else  %}
    {%-  if messages[0]['role'] == 'system'  %}
        {{-  '<|im_start|>system
' + messages[0]['content'] + '<|im_end|>
' }}
    {%-  else  %}
        {{-  '<|im_start|>system
You are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>
' }}
    {%-  endif  %}
{%-  endif  %}
{%-  for message in messages  %}
    {%-  if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls)  %}
        {{-  '<|im_start|>' + message.role + '
' + message.content + '<|im_end|>' + '
' }}
    {%-  elif message.role == "assistant"  %}
        {{-  '<|im_start|>' + message.role }}
        {%-  if message.content  %}
            {{-  '
' + message.content }}
        {%-  endif  %}
        {%-  for tool_call in message.tool_calls  %}
            {%-  if tool_call.function is defined  %}
                {%-  set tool_call = tool_call.function  %}
            {%-  endif  %}
            {{-  '
<tool_call>
{"name": "' }}
            {{-  tool_call.name }}
            {{-  '", "arguments": ' }}
            {{-  tool_call.arguments | tojson }}
            {{-  '}
</tool_call>' }}
        {%-  endfor  %}
        {{-  '<|im_end|>
' }}
    {%-  elif message.role == "tool"  %}
        {%-  if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool")  %}
            {{-  '<|im_start|>user' }}
        {%-  endif  %}
        {{-  '
<tool_response>
' }}
        {{-  message.content }}
        {{-  '
</tool_response>' }}
        {%-  if loop.last or (messages[loop.index0 + 1].role != "tool")  %}
            {{-  '<|im_end|>
' }}
        {%-  endif  %}
    {%-  endif  %}
{%-  endfor  %}
{%-  if add_generation_prompt  %}
    {{-  '<|im_start|>assistant
' }}
{%-  endif  %}
"""";
}
