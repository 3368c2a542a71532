// A request's page in a real Chromium: content captured through the real proxy (capture on, mock Anthropic upstream)
// shows as the user sent and received it, an XSS corpus in prompts and tool arguments stays text, and a request
// without content says why. Runs tests/node/dashboard-content.mjs (playwright-core driving the Debian chromium).
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tokentap.Engine.Dashboard;
using Tokentap.Engine.Facade;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Dashboard;

public sealed class DashboardContentBrowserTests : IAsyncLifetime
{
    // Prompt text is the attacker's: each line tries another way into the page.
    private static readonly string[] Corpus =
    [
        "<script>alert(1)</script>",
        "</textarea><img src=x onerror=alert(2)>",
        "<a href=\"javascript:alert(3)\">click me</a>",
        "javascript:alert(4)",
        "<svg onload=alert(5)><circle r=9></svg>",
        "\"><iframe src=\"javascript:alert(6)\"></iframe>",
        "<div onmouseover=\"alert(7)\" style=\"position:fixed;inset:0\">cover</div>",
        "</pre><details open ontoggle=alert(8)>",
        "&lt;b&gt;entities stay as typed&lt;/b&gt; &amp; <!-- comment -->",
    ];

    private static readonly string System = "You review code. <script>alert('system')</script> Key: sk-ant-api03-Qx7vN2mR8kLp4sT9wZ1yB6cD3fG5hJ0aE_uI-oP2qW";

    private static readonly string Question = "Why does this render?\n" + string.Join("\n", Corpus);

    // A tool result long enough to start collapsed: 60 numbered lines.
    private static readonly string LongResult = string.Join("\n", Enumerable.Range(1, 60).Select(i => $"line {i}: <td onclick=alert({i})>cell</td>"));

    private static readonly string Image = Convert.ToBase64String(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.Concat(new byte[12 * 1024 - 8]).ToArray());

    private const string ResponseText = "Here is <b>the</b> fix: </textarea><script>alert(11)</script> — done.";

    private const string ToolArguments = """{"patch":"<img src=x onerror=alert(12)>","url":"javascript:alert(13)"}""";

    private readonly string _home = Directory.CreateTempSubdirectory("tt-dash-content-").FullName;
    private readonly TestCertificateAuthority _upstreamAuthority = new("Dashboard Content Upstream Root");
    private MockUpstream _upstream = null!;

    public async Task InitializeAsync() =>
        _upstream = await MockUpstream.StartAsync(_upstreamAuthority.IssueServerCertificate(new[] { "localhost" }));

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        _upstreamAuthority.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task The_request_page_shows_captured_content_as_text_and_says_why_when_there_is_none()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"Chromium is needed at {chromium} (Debian package chromium).");
        _upstream.Map("POST", "/v1/messages", MockResponses.Bytes(Encoding.UTF8.GetBytes(Sse()), "text/event-stream"));
        using var engine = new TokentapEngine(new TokentapPaths(_home));
        var bare = await SendAsync(engine, capture: false);
        var captured = await SendAsync(engine, capture: true);
        var dashboard = engine.StartDashboard(0);
        try
        {
            var outDir = Path.Combine(RepoRoot, "TestResults", "dashboard");
            var seen = RunNode(dashboard.Url, outDir, captured.Id.ToString(), bare.Id.ToString(), bare.Timestamp.ToString("O", CultureInfo.InvariantCulture));

            Assert.Empty(seen.GetProperty("consoleErrors").EnumerateArray());
            Assert.Empty(seen.GetProperty("dialogs").EnumerateArray());

            // The list marks the row with content only.
            var feed = seen.GetProperty("feed").EnumerateArray().Select(r => (r[0].GetString(), r[1].GetString(), r[2].GetString())).ToList();
            Assert.Equal([(captured.Id.ToString(), "true", "content"), (bare.Id.ToString(), "false", "")], feed);

            var opened = seen.GetProperty("opened");
            Assert.Equal($"?from=overview&view=request&id={captured.Id}&time={Uri.EscapeDataString(Iso(captured.Timestamp))}", opened.GetProperty("search").GetString());
            AssertFields(captured, opened);
            AssertContent(opened);
            // Only the 60-line tool result is long enough to start collapsed.
            Assert.Equal(1, opened.GetProperty("collapsed").GetInt32());
            Assert.Equal(["Show all (" + LongResultMessage.Length.ToString("N0", CultureInfo.InvariantCulture) + " characters)"], opened.GetProperty("expanders").EnumerateArray().Select(e => e.GetString()));

            var expanded = seen.GetProperty("afterExpand");
            Assert.Equal(0, expanded.GetProperty("collapsed").GetInt32());
            Assert.Equal(["Show less", "true"], expanded.GetProperty("expanders")[0].EnumerateArray().Select(e => e.GetString()));
            Assert.True(seen.GetProperty("rawOpen").GetBoolean());
            AssertInert(seen.GetProperty("afterRaw"));

            // Reloaded at 800 pixels: the same page from its address alone, no sideways scrolling.
            var reloaded = seen.GetProperty("reloaded");
            AssertFields(captured, reloaded);
            AssertContent(reloaded);
            Assert.True(reloaded.GetProperty("overflow").GetInt32() <= 0, "the request page scrolls sideways at 800 pixels");
            Assert.Equal("?view=overview", seen.GetProperty("backSearch").GetString());
            Assert.Equal(["overview"], seen.GetProperty("backView").EnumerateArray().Select(v => v.GetString()));

            var none = seen.GetProperty("bare");
            AssertFields(bare, none);
            Assert.False(none.GetProperty("contentShown").GetBoolean());
            Assert.Equal(DashboardContent.CaptureOffMessage, none.GetProperty("missing").GetString());
            Assert.True(File.Exists(Path.Combine(outDir, "request-1280x800.png")));
            Assert.True(File.Exists(Path.Combine(outDir, "request-800x900.png")));
        }
        finally
        {
            engine.StopDashboard();
        }
    }

    private static string LongResultMessage => "[tool result] " + LongResult + "\nAnd this screenshot:\n[image] [image/png base64, 12 KB omitted]";

    private static void AssertFields(UsageEvent usage, JsonElement page)
    {
        var fields = page.GetProperty("fields");
        Assert.Equal(Iso(usage.Timestamp)[..19].Replace('T', ' '), fields.GetProperty("time").GetString());
        Assert.Equal("anthropic", fields.GetProperty("provider").GetString());
        Assert.Equal("claude-opus-4-8", fields.GetProperty("model").GetString());
        Assert.Equal("dash-content", fields.GetProperty("session").GetString());
        Assert.Equal("1,007", fields.GetProperty("inputTokens").GetString());
        Assert.Equal("2,001", fields.GetProperty("cacheReadTokens").GetString());
        Assert.Equal("302", fields.GetProperty("cacheWriteTokens").GetString());
        Assert.Equal("53", fields.GetProperty("outputTokens").GetString());
        Assert.Equal("3,363", fields.GetProperty("totalTokens").GetString());
        Assert.Equal("$" + usage.Cost!.Value.ToString("N4", CultureInfo.InvariantCulture), fields.GetProperty("cost").GetString());
        Assert.Equal("200", fields.GetProperty("status").GetString());
        Assert.Equal("claude-opus-4-8 at " + Iso(usage.Timestamp)[..19].Replace('T', ' '), page.GetProperty("title").GetString());
    }

    // What the page shows is what was sent and streamed, secrets redacted, every character of the corpus as text.
    private static void AssertContent(JsonElement page)
    {
        Assert.True(page.GetProperty("contentShown").GetBoolean());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("missing").ValueKind);
        Assert.False(page.GetProperty("truncatedShown").GetBoolean());
        Assert.Equal("You review code. <script>alert('system')</script> Key: [REDACTED:anthropic-key]", page.GetProperty("system").GetString());
        Assert.Equal(
            [
                ("user", Question),
                // The tool call's input is shown as the stored JSON text, markup kept as sent (as Get-TokenUsageContent has it).
                ("assistant", "Let me look.\n[tool call read_file<img src=x onerror=alert(9)>] {\"path\":\"</pre><script>alert(10)</script>\"}"),
                ("user", LongResultMessage),
            ],
            page.GetProperty("messages").EnumerateArray().Select(m => (m[0].GetString()!, m[1].GetString()!)));
        Assert.Equal("read_file<img src=x onerror=alert(9)>, javascript:alert(14)", page.GetProperty("tools").GetString());
        Assert.Equal(ResponseText, page.GetProperty("response").GetString());
        Assert.Equal([("apply_patch<script>alert(15)</script>", ToolArguments)], page.GetProperty("toolCalls").EnumerateArray().Select(c => (c[0].GetString()!, c[1].GetString()!)));
        Assert.Equal(["[image/png base64, 12 KB omitted]"], page.GetProperty("binaries").EnumerateArray().Select(b => b.GetString()));
        AssertInert(page);
    }

    // The corpus built nothing: only the page's own kinds of elements, no event attribute, nothing that runs.
    private static void AssertInert(JsonElement page)
    {
        Assert.Equal(["article", "button", "details", "div", "h3", "h4", "p", "pre", "span", "summary"], page.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(0, page.GetProperty("dangerous").GetInt32());
        Assert.Empty(page.GetProperty("eventAttributes").EnumerateArray());
    }

    private static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture);

    private static string Body() => new JsonObject
    {
        ["model"] = "claude-opus-4-8",
        ["max_tokens"] = 1024,
        ["stream"] = true,
        ["system"] = System,
        ["tools"] = new JsonArray(
            new JsonObject { ["name"] = "read_file<img src=x onerror=alert(9)>", ["input_schema"] = new JsonObject { ["type"] = "object" } },
            new JsonObject { ["name"] = "javascript:alert(14)", ["input_schema"] = new JsonObject { ["type"] = "object" } }),
        ["messages"] = new JsonArray(
            new JsonObject { ["role"] = "user", ["content"] = Question },
            new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = new JsonArray(
                    new JsonObject { ["type"] = "text", ["text"] = "Let me look." },
                    new JsonObject { ["type"] = "tool_use", ["id"] = "t1", ["name"] = "read_file<img src=x onerror=alert(9)>", ["input"] = new JsonObject { ["path"] = "</pre><script>alert(10)</script>" } }),
            },
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(
                    new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = "t1", ["content"] = LongResult },
                    new JsonObject { ["type"] = "text", ["text"] = "And this screenshot:" },
                    new JsonObject { ["type"] = "image", ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "image/png", ["data"] = Image } }),
            }),
    }.ToJsonString();

    // The Anthropic stream of the test fixture's usage, with the corpus in the text and in a tool call's name and arguments.
    private static string Sse()
    {
        static string Event(string name, JsonObject data) => $"event: {name}\ndata: {data.ToJsonString()}\n\n";
        var usage = new JsonObject { ["input_tokens"] = 1007, ["cache_creation_input_tokens"] = 302, ["cache_read_input_tokens"] = 2001, ["output_tokens"] = 53 };
        return Event("message_start", new JsonObject { ["type"] = "message_start", ["message"] = new JsonObject { ["id"] = "msg_dash", ["type"] = "message", ["role"] = "assistant", ["model"] = "claude-opus-4-8", ["content"] = new JsonArray(), ["usage"] = new JsonObject { ["input_tokens"] = 1007, ["cache_creation_input_tokens"] = 302, ["cache_read_input_tokens"] = 2001, ["output_tokens"] = 1 } } })
            + Event("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" } })
            + Event("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = ResponseText[..20] } })
            + Event("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = ResponseText[20..] } })
            + Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 })
            + Event("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 1, ["content_block"] = new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_1", ["name"] = "apply_patch<script>alert(15)</script>", ["input"] = new JsonObject() } })
            + Event("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 1, ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = ToolArguments[..30] } })
            + Event("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 1, ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = ToolArguments[30..] } })
            + Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 1 })
            + Event("message_delta", new JsonObject { ["type"] = "message_delta", ["delta"] = new JsonObject { ["stop_reason"] = "tool_use" }, ["usage"] = usage })
            + Event("message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    // One call through a proxy the facade starts (Start-Tokentap's path), with or without capture; returns its usage event.
    private async Task<UsageEvent> SendAsync(TokentapEngine engine, bool capture)
    {
        var before = engine.GetUsage(UsageFilter.All).Select(e => e.Id).ToHashSet();
        var status = engine.StartProxy(
            new ProxyStartRequest
            {
                Port = 0,
                UpstreamOverrides = new Dictionary<string, Uri> { ["api.anthropic.com"] = _upstream.BaseUri },
                UpstreamCaFile = _upstreamAuthority.PemPath,
                Session = "dash-content",
                CaptureContent = capture,
            },
            new Quiet())!;
        try
        {
            using var client = TestClients.Create(new Uri(status.ProxyUrl!), new[] { engine.Runtime.Listeners[0].Authority.Certificate });
            using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages") { Content = new StringContent(Body(), Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request);
            Assert.Equal(200, (int)response.StatusCode);
            await response.Content.ReadAsByteArrayAsync();
        }
        finally
        {
            engine.StopProxy();
        }

        return Assert.Single(engine.GetUsage(UsageFilter.All), e => !before.Contains(e.Id));
    }

    private static string RepoRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tokentap.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("No Tokentap.sln above " + AppContext.BaseDirectory);
        }
    }

    private static JsonElement RunNode(params string[] arguments)
    {
        var directory = Path.Combine(RepoRoot, "tests", "node");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "playwright-core")))
        {
            Run(directory, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        }

        var output = Run(directory, "node", ["dashboard-content.mjs", .. arguments]);
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement.Clone();
    }

    private static string Run(string directory, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not end within 3 minutes.");
        }

        Assert.True(process.ExitCode == 0, $"{file} {arguments[0]} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        return stdout.Result;
    }

    private sealed class Quiet : ITokentapMessages
    {
        public void WriteWarning(string text)
        {
        }

        public void WriteVerbose(string text)
        {
        }

        public void WriteHostLine(string text)
        {
        }
    }
}
