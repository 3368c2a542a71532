// The calling app and version, from the User-Agent and the clients' own headers.
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Providers;

public sealed class AppIdentifierTests
{
    [Theory]
    [InlineData("user-agent", "claude-cli/2.1.197 (external, sdk-cli)", "claude-code", "2.1.197")]
    [InlineData("user-agent", "codex_exec/0.169.0 (Debian 12.0.0; x86_64) xterm-256color", "codex", "0.169.0")]
    [InlineData("user-agent", "GeminiCLI-tui/0.61.0/gemini-3.5-pro (linux; x64)", "gemini-cli", "0.61.0")]
    [InlineData("user-agent", "OpenAI/JS 6.49.0", "openai-node", "6.49.0")]
    [InlineData("user-agent", "OpenAI/Python 2.8.1", "openai-python", "2.8.1")]
    [InlineData("user-agent", "AsyncOpenAI/Python 2.8.1", "openai-python", "2.8.1")]
    [InlineData("user-agent", "Anthropic/JS 1.12.0", "anthropic-node", "1.12.0")]
    [InlineData("user-agent", "Anthropic/Python 0.75.0", "anthropic-python", "0.75.0")]
    [InlineData("user-agent", "curl/8.5.0", "curl", "8.5.0")]
    [InlineData("user-agent", "aider/0.86.1 litellm/1.77", "aider", "0.86.1")]
    [InlineData("user-agent", "python-requests/2.32.3", "python-requests", "2.32.3")]
    public void User_agent_names_the_app(string header, string value, string app, string version)
    {
        var (actualApp, actualVersion) = AppIdentifier.Identify(new HeaderList(new[] { KeyValuePair.Create(header, value) }));
        Assert.Equal(app, actualApp);
        Assert.Equal(version, actualVersion);
    }

    [Fact]
    public void Codex_originator_wins_over_a_generic_user_agent()
    {
        var headers = new HeaderList(new[] { KeyValuePair.Create("originator", "codex_cli_rs"), KeyValuePair.Create("User-Agent", "codex_cli_rs/0.169.0 (Mac OS 15.1; arm64)") });
        Assert.Equal(("codex", "0.169.0"), AppIdentifier.Identify(headers));
    }

    [Fact]
    public void Aider_is_recognized_by_its_openrouter_headers()
    {
        var headers = new HeaderList(new[] { KeyValuePair.Create("X-Title", "Aider"), KeyValuePair.Create("HTTP-Referer", "https://aider.chat"), KeyValuePair.Create("user-agent", "OpenAI/Python 1.99.1") });
        Assert.Equal("aider", AppIdentifier.Identify(headers).App);
    }

    [Fact]
    public void Google_genai_sdk_without_a_known_user_agent()
    {
        var headers = new HeaderList(new[] { KeyValuePair.Create("x-goog-api-client", "google-genai-sdk/1.30.0 gl-node/20.19.0") });
        Assert.Equal(("google-genai-node", "1.30.0"), AppIdentifier.Identify(headers));
    }

    [Theory]
    [InlineData("claude", "claude-code")]
    [InlineData("claude.exe", "claude-code")]
    [InlineData("claude.cmd", "claude-code")]
    [InlineData("/usr/local/lib/node_modules/.bin/claude", "claude-code")]
    [InlineData("claude-code", "claude-code")]
    [InlineData("gemini", "gemini-cli")]
    [InlineData("gemini.ps1", "gemini-cli")]
    [InlineData("codex", "codex")]
    [InlineData("Codex.EXE", "codex")]
    [InlineData("aider", "aider")]
    [InlineData("curl", "curl")]
    [InlineData("Nightly-Agent.sh", "nightly-agent")]
    public void A_command_name_gives_the_app_its_requests_would_be_identified_as(string command, string app)
    {
        Assert.Equal(app, AppIdentifier.ForCommand(command));
    }

    [Theory]
    [InlineData("claude", "user-agent", "claude-cli/2.1.197 (external, sdk-cli)")]
    [InlineData("codex", "originator", "codex_exec")]
    [InlineData("gemini", "user-agent", "GeminiCLI-tui/0.61.0/gemini-3.5-pro (linux; x64)")]
    [InlineData("aider", "user-agent", "aider/0.86.1 litellm/1.77")]
    [InlineData("curl", "user-agent", "curl/8.5.0")]
    public void Both_modes_name_a_tool_the_same(string command, string header, string value)
    {
        var identified = AppIdentifier.Identify(new HeaderList(new[] { KeyValuePair.Create(header, value) })).App;
        Assert.Equal(identified, AppIdentifier.ForCommand(command));
    }

    [Fact]
    public void No_headers_no_app()
    {
        Assert.Equal((null, null), AppIdentifier.Identify(new HeaderList()));
    }
}
