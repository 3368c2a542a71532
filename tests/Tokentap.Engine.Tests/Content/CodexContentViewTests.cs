// Codex CLI 0.169's Responses requests (WebSocket response.create) read as content: no top-level instructions or tools;
// its instructions are the first developer message and its tools arrive in an additional_tools input item.
using Tokentap.Engine.Content;

namespace Tokentap.Engine.Tests.Content;

public sealed class CodexContentViewTests
{
    // The shape Codex 0.169 sends (observed through the proxy), cut down to one tool per namespace.
    private const string Request = """
        {"type":"response.create","model":"gpt-6.1-sol","stream":true,"input":[
          {"type":"additional_tools","id":"at_1","role":"developer","tools":[
            {"type":"namespace","name":"functions","description":"","tools":[{"type":"custom","name":"exec","description":"Run JavaScript"},{"type":"function","name":"wait"}]},
            {"type":"namespace","name":"clock","tools":[{"type":"function","name":"sleep"}]},
            {"type":"web_search"}]},
          {"type":"message","id":"msg_1","role":"developer","content":[{"type":"input_text","text":"You are Codex, an agent."}]},
          {"type":"message","id":"msg_2","role":"developer","content":[{"type":"input_text","text":"<permissions instructions>read-only</permissions instructions>"}]},
          {"type":"message","id":"msg_3","role":"user","content":[{"type":"input_text","text":"<environment_context><cwd>/src</cwd></environment_context>"}]},
          {"type":"message","id":"msg_4","role":"user","content":[{"type":"input_text","text":"Say hi."}]}],
         "tool_choice":"auto","store":false}
        """;

    [Fact]
    public void Its_tools_come_from_the_additional_tools_item_and_its_instructions_from_the_first_developer_message()
    {
        var content = ContentView.From(new ContentRecord
        {
            Id = Guid.NewGuid(), Timestamp = DateTime.UtcNow, Provider = "openai", Endpoint = "responses", Model = "gpt-6.1-sol",
            Format = "OpenAiResponses", RequestJson = Request, ResponseText = "Hi.", ToolCalls = [],
        });

        Assert.Equal(["functions.exec", "functions.wait", "clock.sleep", "web_search"], content.Tools);
        Assert.Equal("You are Codex, an agent.", content.System);
        Assert.Equal(
            [
                ("developer", "You are Codex, an agent."),
                ("developer", "<permissions instructions>read-only</permissions instructions>"),
                ("user", "<environment_context><cwd>/src</cwd></environment_context>"),
                ("user", "Say hi."),
            ],
            content.Messages.Select(m => (m.Role, m.Text)));
    }
}
