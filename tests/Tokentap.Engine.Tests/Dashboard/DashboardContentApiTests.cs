// The dashboard's content endpoints: one request's fields and its captured content, exactly as Get-TokenUsageContent has it.
using System.Text;
using System.Text.Json;
using Tokentap.Engine.Content;
using Tokentap.Engine.Dashboard;
using Tokentap.Engine.Facade;
using Tokentap.Engine.Tests.Live;

namespace Tokentap.Engine.Tests.Dashboard;

public sealed class DashboardContentApiTests : IDisposable
{
    private const string Body =
        """{"model":"claude-sonnet-4-5","max_tokens":64,"system":"Be brief. <b>bold</b>","tools":[{"name":"read_file","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"Read <config> with key sk-ant-api03-Qx7vN2mR8kLp4sT9wZ1yB6cD3fG5hJ0aE_uI-oP2qW & tell me."},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"read_file","input":{"path":"a.txt"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}]}""";

    private readonly DashboardFixture _dashboard = new();

    public void Dispose() => _dashboard.Dispose();

    /// <summary>Writes an event's content the way the capture path does: the body sanitized, then the writer's redaction and file.</summary>
    internal static void Capture(TokentapPaths paths, UsageEvent usage, string body, string response, params (string Name, string Arguments)[] toolCalls)
    {
        var (json, truncated) = RequestSanitizer.Sanitize(Encoding.UTF8.GetBytes(body), Redaction.BuiltIn, ContentCapture.MaxRequestBytes);
        using var writer = new ContentWriter(ContentStore.In(paths), ContentSettings.Default, Redaction.BuiltIn);
        writer.Publish(new ContentRecord
        {
            Id = usage.Id,
            Timestamp = usage.Timestamp,
            Provider = usage.Provider,
            Endpoint = usage.Endpoint,
            Model = usage.Model,
            Format = "AnthropicMessages",
            RequestJson = json,
            ResponseText = response,
            ToolCalls = toolCalls.Select(t => new ContentToolCall(t.Name, t.Arguments)).ToList(),
            Truncated = truncated,
        });
        Assert.True(writer.FlushAsync().Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal((1, 0), (writer.Written, writer.Failures));
    }

    [Fact]
    public async Task A_captured_exchange_is_served_exactly_as_Get_TokenUsageContent_returns_it()
    {
        Capture(_dashboard.Paths, LiveEvents.A1, Body, "Done: it's fine.", ("run_tests", """{"path":"tests/"}"""));

        var response = await _dashboard.GetAsync($"/api/requests/{LiveEvents.A1.Id}/content");

        Assert.Equal(200, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal(
            "{\"eventId\":\"00000001-0007-0007-0000-000000000000\",\"time\":\"2026-03-10T11:44:30Z\",\"provider\":\"anthropic\",\"endpoint\":\"messages\"," +
            "\"model\":\"claude-sonnet-4-5\",\"system\":\"Be brief. \\u003Cb\\u003Ebold\\u003C/b\\u003E\"," +
            "\"messages\":[{\"role\":\"user\",\"text\":\"Read \\u003Cconfig\\u003E with key [REDACTED:anthropic-key] \\u0026 tell me.\"}," +
            "{\"role\":\"assistant\",\"text\":\"[tool call read_file] {\\u0022path\\u0022:\\u0022a.txt\\u0022}\"}," +
            "{\"role\":\"user\",\"text\":\"[tool result] ok\"}]," +
            "\"tools\":[\"read_file\"],\"responseText\":\"Done: it\\u0027s fine.\"," +
            "\"toolCalls\":[{\"name\":\"run_tests\",\"arguments\":\"{\\u0022path\\u0022:\\u0022tests/\\u0022}\"}]," +
            "\"truncated\":false,\"preview\":\"Read \\u003Cconfig\\u003E with key [REDACTED:anthropic-key] \\u0026 tell me.\"," +
            "\"requestJson\":\"" + JsonEscaped(RedactedBody) + "\"}",
            response.Body);

        using var engine = new TokentapEngine(_dashboard.Paths);
        var content = engine.GetContent(LiveEvents.A1.Id)!;
        var served = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal(content.System, served.GetProperty("system").GetString());
        Assert.Equal(content.Messages.Select(m => (m.Role, m.Text)), served.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString()!, m.GetProperty("text").GetString()!)));
        Assert.Equal(content.ToolCalls.Select(t => (t.Name, t.Arguments)), served.GetProperty("toolCalls").EnumerateArray().Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("arguments").GetString()!)));
        Assert.Equal(content.ResponseText, served.GetProperty("responseText").GetString());
        Assert.Equal(content.RequestJson, served.GetProperty("requestJson").GetString());
        Assert.Equal(content.Preview, served.GetProperty("preview").GetString());
        Assert.Equal(content.Timestamp.ToUniversalTime(), served.GetProperty("time").GetDateTime().ToUniversalTime());
    }

    [Fact]
    public async Task Without_content_the_answer_is_404_saying_why_and_how_to_turn_capture_on()
    {
        Capture(_dashboard.Paths, LiveEvents.A1, Body, "Done.");

        var captureOff = await _dashboard.GetAsync($"/api/requests/{LiveEvents.A2.Id}/content");
        var unknown = await _dashboard.GetAsync($"/api/requests/{Guid.Empty}/content");
        var notAnId = await _dashboard.GetAsync("/api/requests/not-an-id/content");

        Assert.Equal(404, captureOff.Status);
        Assert.Equal("application/json; charset=utf-8", captureOff.Header("Content-Type"));
        Assert.Equal("No content was kept for this request: content capture is off. Turn it on with Enable-TokentapContentCapture (or Start-Tokentap -CaptureContent); billed requests after that keep their prompt and response.", Error(captureOff));
        Assert.Equal(404, unknown.Status);
        Assert.Equal(Error(captureOff), Error(unknown));
        Assert.Equal(404, notAnId.Status);
        Assert.Equal("No request 'not-an-id': a request id is a GUID.", Error(notAnId));

        // Capture on, with a cap so small that enforcing it removes the content: "not kept".
        using var engine = new TokentapEngine(_dashboard.Paths);
        engine.SetContentCapture(enabled: true, maxContentSize: 1);
        var trimmed = await _dashboard.GetAsync($"/api/requests/{LiveEvents.A1.Id}/content");

        Assert.Equal(404, trimmed.Status);
        Assert.Equal("No content is kept for this request: it was made while capture was off, was not a billed call, or its content was removed by the size cap or the retention (Enable-TokentapContentCapture -MaxContentSize, -RetentionDays).", Error(trimmed));
    }

    [Fact]
    public async Task Content_needs_the_cookie_a_loopback_Host_and_GET_or_HEAD()
    {
        Capture(_dashboard.Paths, LiveEvents.A1, Body, "Done.");
        var target = $"/api/requests/{LiveEvents.A1.Id}/content";

        var noCookie = await RawHttp.SendAsync(_dashboard.Port, "GET", target, _dashboard.Host);
        var wrongCookie = await RawHttp.SendAsync(_dashboard.Port, "GET", target, _dashboard.Host, $"Cookie: tokentap_dashboard_{_dashboard.Port}={new string('0', 64)}");
        var foreignHost = await RawHttp.SendAsync(_dashboard.Port, "GET", target, $"evil.example:{_dashboard.Port}", _dashboard.Cookie);
        var post = await RawHttp.SendAsync(_dashboard.Port, "POST", target, _dashboard.Host, _dashboard.Cookie, "Content-Length: 0");
        var head = await RawHttp.SendAsync(_dashboard.Port, "HEAD", target, _dashboard.Host, _dashboard.Cookie);
        var request = await RawHttp.SendAsync(_dashboard.Port, "GET", $"/api/requests/{LiveEvents.A1.Id}", _dashboard.Host);

        Assert.Equal([401, 401, 421, 405, 200, 401], new[] { noCookie.Status, wrongCookie.Status, foreignHost.Status, post.Status, head.Status, request.Status });
        Assert.DoesNotContain("REDACTED", noCookie.Body + wrongCookie.Body + foreignHost.Body + post.Body + request.Body);
        Assert.Equal("", head.Body);
        Assert.Equal("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'", head.Header("Content-Security-Policy"));
    }

    [Fact]
    public async Task One_request_has_its_fields_whether_it_has_content_and_why_not_found_by_its_time_or_without()
    {
        Capture(_dashboard.Paths, LiveEvents.A1, Body, "Done.");

        var withContent = await Json($"/api/requests/{LiveEvents.A1.Id}");
        var byTime = await Json($"/api/requests/{LiveEvents.A3.Id}?time=2026-03-10T12:24:30Z");
        var wrongTime = await Json($"/api/requests/{LiveEvents.Older.Id}?time=2026-03-10T12:24:30Z");
        var unknown = await _dashboard.GetAsync($"/api/requests/{Guid.Empty}?time=2026-03-10T12:24:30Z");
        var badTime = await _dashboard.GetAsync($"/api/requests/{LiveEvents.A3.Id}?time=yesterday");

        Assert.Equal(LiveEvents.A1.Id.ToString(), withContent.GetProperty("id").GetString());
        Assert.Equal(9000, withContent.GetProperty("cacheReadTokens").GetInt64());
        Assert.Equal(0.0500m, withContent.GetProperty("cost").GetDecimal());
        Assert.True(withContent.GetProperty("hasContent").GetBoolean());
        Assert.Equal((3700L, false), (byTime.GetProperty("totalTokens").GetInt64(), byTime.GetProperty("hasContent").GetBoolean()));
        Assert.Equal("run-0", wrongTime.GetProperty("session").GetString());
        Assert.Equal(404, unknown.Status);
        Assert.Equal($"No request {Guid.Empty} in the usage store (it may have been removed).", Error(unknown));
        var notes = await Task.WhenAll(_dashboard.GetAsync($"/api/requests/{LiveEvents.A1.Id}"), _dashboard.GetAsync($"/api/requests/{LiveEvents.A3.Id}"));
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(notes[0].Body).RootElement.GetProperty("contentNote").ValueKind);
        Assert.Equal(DashboardContent.CaptureOffMessage, JsonDocument.Parse(notes[1].Body).RootElement.GetProperty("contentNote").GetString());
        Assert.Equal(400, badTime.Status);
        Assert.Equal("The time 'yesterday' is not an ISO 8601 time.", Error(badTime));
    }

    [Fact]
    public async Task The_requests_list_marks_the_requests_that_have_content_from_the_folder_listing()
    {
        Capture(_dashboard.Paths, LiveEvents.A1, Body, "Done.");
        Capture(_dashboard.Paths, LiveEvents.A3, Body, "Done.");

        var list = await _dashboard.GetAsync("/api/requests?tz=UTC&range=all");
        var marked = JsonDocument.Parse(list.Body).RootElement.GetProperty("requests").EnumerateArray()
            .Where(r => r.GetProperty("hasContent").GetBoolean()).Select(r => r.GetProperty("id").GetString());

        Assert.Equal([LiveEvents.A3.Id.ToString(), LiveEvents.A1.Id.ToString()], marked);
    }

    private static string RedactedBody =>
        """{"model":"claude-sonnet-4-5","max_tokens":64,"system":"Be brief. <b>bold</b>","tools":[{"name":"read_file","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"Read <config> with key [REDACTED:anthropic-key] & tell me."},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"read_file","input":{"path":"a.txt"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}]}""";

    private static string JsonEscaped(string text) => JsonSerializer.Serialize(text)[1..^1];

    private static string Error(RawHttpResponse response) => JsonDocument.Parse(response.Body).RootElement.GetProperty("error").GetString()!;

    private async Task<JsonElement> Json(string target)
    {
        var response = await _dashboard.GetAsync(target);
        Assert.Equal(200, response.Status);
        return JsonDocument.Parse(response.Body).RootElement.GetProperty("request").Clone();
    }
}
