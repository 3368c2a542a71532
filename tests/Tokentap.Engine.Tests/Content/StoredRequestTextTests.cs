// The stored request reads as the client wrote it: markup, quotes and non-ASCII text are kept, not \u-escaped.
using System.Text;
using Tokentap.Engine.Content;

namespace Tokentap.Engine.Tests.Content;

public sealed class StoredRequestTextTests
{
    private const string Body =
        """{"model":"claude-sonnet-4-5","system":"Answer in <b>bold</b> & 'quotes'.","messages":[{"role":"user","content":"Résumé für 日本 + <tag>"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"grep","input":{"pattern":"<div class=\"a\">","path":"src/ü"}}]}]}""";

    [Fact]
    public void Markup_quotes_and_non_ascii_text_are_stored_and_shown_as_sent()
    {
        var (json, truncated) = RequestSanitizer.Sanitize(Encoding.UTF8.GetBytes(Body), Redaction.BuiltIn, ContentCapture.MaxRequestBytes);

        Assert.False(truncated);
        Assert.Equal(Body, json);

        var content = ContentView.From(new ContentRecord
        {
            Id = Guid.NewGuid(), Timestamp = DateTime.UtcNow, Provider = "anthropic", Endpoint = "messages", Model = "claude-sonnet-4-5",
            Format = "AnthropicMessages", RequestJson = json, ResponseText = "", ToolCalls = [],
        });

        Assert.Equal("Answer in <b>bold</b> & 'quotes'.", content.System);
        Assert.Equal(
            [
                ("user", "Résumé für 日本 + <tag>"),
                ("assistant", """[tool call grep] {"pattern":"<div class=\"a\">","path":"src/ü"}"""),
            ],
            content.Messages.Select(m => (m.Role, m.Text)));
    }

    [Fact]
    public void The_preview_is_the_last_user_message_that_says_something_not_a_tool_result_cut_to_80_characters()
    {
        var ask = "Refactor   the parser so that every provider shares one SSE reader and the tests keep their exact numbers please";
        var body = $$$"""{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[{"type":"text","text":"<system-reminder>\nUse the todo list.\n</system-reminder>"},{"type":"text","text":"{{{ask}}}"}]},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"ls","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"src"}]}]}""";
        var (json, _) = RequestSanitizer.Sanitize(Encoding.UTF8.GetBytes(body), Redaction.BuiltIn, ContentCapture.MaxRequestBytes);

        var content = ContentView.From(new ContentRecord
        {
            Id = Guid.NewGuid(), Timestamp = DateTime.UtcNow, Provider = "anthropic", Endpoint = "messages", Model = "claude-sonnet-4-5",
            Format = "AnthropicMessages", RequestJson = json, ResponseText = "", ToolCalls = [],
        });

        // 79 characters end in a space, which is dropped before the ellipsis.
        Assert.Equal("Refactor the parser so that every provider shares one SSE reader and the tests…", content.Preview);
    }
}
