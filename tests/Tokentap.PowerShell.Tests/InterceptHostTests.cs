// Start-Tokentap -InterceptHost: extra hosts with a named wire format are recorded, hosts Tokentap cannot read show up
// in Get-Tokentap with a warning, and a malformed value is refused naming it.
using System.Collections;
using Tokentap;
using Tokentap.Testing;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class InterceptHostTests(ModuleFixture module, MockProvidersFixture mocks) : IClassFixture<MockProvidersFixture>
{
    private const string ChatJson =
        """{"id":"chatcmpl-extra-1","object":"chat.completion","model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":1024}}}""";

    [Fact]
    public void An_extra_host_with_a_named_format_is_recorded_and_an_unreadable_one_is_shown_with_a_warning()
    {
        var upstream = mocks.Providers.Upstream;
        upstream.Map("POST", "/chat/completions", MockResponses.Json(ChatJson));
        upstream.Map("POST", "/v2/generate", MockResponses.Json("""{"tokens":12}"""));
        var session = "extra-" + Guid.NewGuid().ToString("N")[..12];
        var overrides = new Hashtable
        {
            ["api.perplexity.ai"] = upstream.BaseUri.ToString(),
            ["llm.corp.example"] = upstream.BaseUri.ToString(),
        };

        TokentapStatus status;
        ScriptResult shown;
        try
        {
            module.Run(
                "Start-Tokentap -Port 0 -Session $args[0] -InterceptHost 'api.perplexity.ai=openai-chat', 'llm.corp.example' -UpstreamOverride $args[1] -UpstreamCaFile $args[2]",
                session,
                overrides,
                mocks.Providers.Authority.PemPath).ThrowIfFailed();
            Assert.Equal(ChatJson, Curl("https://api.perplexity.ai/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""));
            Assert.Equal("""{"tokens":12}""", Curl("https://llm.corp.example/v2/generate", """{"prompt":"hi"}"""));
            Assert.Equal("""{"tokens":12}""", Curl("https://llm.corp.example/v2/generate", """{"prompt":"again"}"""));
            shown = module.Run("Get-Tokentap").ThrowIfFailed();
            status = shown.Single<TokentapStatus>();
        }
        finally
        {
            module.Run("if ((Get-Tokentap).Running) { $null = Stop-Tokentap }").ThrowIfFailed();
        }

        Assert.Equal(new Dictionary<string, long> { ["llm.corp.example"] = 2 }, status.UnreadableHosts);
        Assert.Contains("api.perplexity.ai", status.InterceptHosts);
        var warning = Assert.Single(shown.Warnings, w => w.Contains("llm.corp.example", StringComparison.Ordinal));
        Assert.Contains("-InterceptHost 'llm.corp.example=<format>'", warning, StringComparison.Ordinal);
        Assert.Contains("anthropic, openai-chat, openai-responses, gemini", warning, StringComparison.Ordinal);

        var recorded = Assert.Single(module.Run("Get-TokenUsage -Session $args[0]", session).ThrowIfFailed().Objects<UsageEvent>());
        Assert.Equal("api.perplexity.ai", recorded.Provider);
        Assert.Equal("api.perplexity.ai", recorded.Host);
        Assert.Equal("chat.completions", recorded.Endpoint);
        Assert.Equal("gpt-4o-2024-08-06", recorded.Model);
        Assert.Equal(176, recorded.InputTokens);
        Assert.Equal(1024, recorded.CacheReadTokens);
        Assert.Equal(300, recorded.OutputTokens);
        Assert.True(recorded.IsSuccess);
        Assert.Null(recorded.Error);

        // gpt-4o: $2.50 input, $1.25 cached input, $10 output per million.
        Assert.Equal(0.00472m, recorded.Cost);
    }

    [Theory]
    [InlineData("api.perplexity.ai=openai-chatt", "'openai-chatt'")]
    [InlineData("api.perplexity.ai=", "'api.perplexity.ai='")]
    [InlineData("bad host=openai-chat", "'bad host'")]
    public void A_malformed_intercept_host_is_refused_naming_the_value(string value, string quoted)
    {
        var result = module.Run("Start-Tokentap -Port 0 -NoEnvironment -InterceptHost $args[0]", value);

        var error = Assert.Single(result.Errors);
        Assert.Equal("InvalidInterceptHost,Tokentap.PowerShell.Commands.StartTokentapCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(value, error.TargetObject);
        Assert.StartsWith("-InterceptHost ", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(quoted, error.Exception.Message, StringComparison.Ordinal);
        Assert.False(module.Run("(Get-Tokentap).Running").Single<bool>());
    }

    /// <summary>curl with the session's variables (HTTPS_PROXY and CURL_CA_BUNDLE come from Start-Tokentap).</summary>
    private static string Curl(string url, string body)
    {
        var result = ChildProcess.Run("curl", new[] { "-sS", "--json", body, url });
        Assert.True(result.ExitCode == 0, $"curl failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout;
    }
}
