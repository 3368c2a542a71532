// Content capture with the real clients in the real pwsh against the mock: Claude Code under the persistent setting
// (Enable-TokentapContentCapture) and the @anthropic-ai/sdk and openai SDKs under Start-Tokentap -CaptureContent;
// Get-TokenUsage | Get-TokenUsageContent returns what each sent (secrets redacted) and what streamed back.
using System.Text;
using System.Text.Json;
using Tokentap.Testing;
using Xunit.Abstractions;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class ContentCaptureTests(ModuleFixture module, MockProvidersFixture mocks, ITestOutputHelper output) : IClassFixture<MockProvidersFixture>, IDisposable
{
    private const string Secret = "sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0";

    private readonly MockedPwsh _shell = new(module, mocks.Providers);

    public void Dispose() => _shell.Dispose();

    [Fact]
    public void Claude_Code_under_the_persistent_setting_captures_its_prompt_redacted_and_the_streamed_response()
    {
        var result = _shell.Run($"Import-Module '{module.ManifestPath}'\nEnable-TokentapContentCapture -RetentionDays 7\n" + _shell.Preamble("cc-content", environment: true) + $$"""
            "CAPTURE=$((Get-Tokentap).ContentCapture)"
            claude -p "Say hi. My key is {{Secret}}" --output-format json | Out-Null
            $null = Stop-Tokentap
            $content = Get-TokenUsage -Session cc-content | Get-TokenUsageContent
            'CONTENT=' + ([pscustomobject]@{ Response = $content.ResponseText; Prompts = @($content.Messages | Where-Object Role -eq 'user' | ForEach-Object Text | Where-Object { $_ -match 'Say hi' }); Model = $content.Model; Type = $content.GetType().FullName } | ConvertTo-Json -Compress)
            $text = Get-TokenUsage -Session cc-content | Get-TokenUsageContent -AsText
            "ASTEXT=$($text -match '--- response' -and $text -match 'Hello from the mock.')"
            """);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        Assert.Contains("CAPTURE=True", Lines(result.Stdout));
        var content = Json(result.Stdout, "CONTENT=");
        Assert.Equal("Tokentap.TokenUsageContent", content.GetProperty("Type").GetString());
        Assert.Equal("Hello from the mock.", content.GetProperty("Response").GetString());
        var prompt = Assert.Single(content.GetProperty("Prompts").EnumerateArray()).GetString();
        Assert.EndsWith("Say hi. My key is [REDACTED:anthropic-key]", prompt, StringComparison.Ordinal);
        Assert.Contains("ASTEXT=True", Lines(result.Stdout));
        AssertNotInDataFolder(Secret);
    }

    [Theory]
    [InlineData("anthropic")]
    [InlineData("openai-chat")]
    public void The_SDKs_under_Start_Tokentap_CaptureContent_record_exactly_the_sent_messages_and_the_streamed_text(string provider)
    {
        var node = NodeClients.Directory(module.RepoRoot);
        var prefix = provider == "anthropic" ? "anthropic" : "openai";
        var script = _shell.Preamble("sdk-content", environment: false).Replace("-NoEnvironment", "-NoEnvironment -CaptureContent", StringComparison.Ordinal) + $$"""
            $env:TOKENTAP_BASE_URL = (Get-Tokentap).ProxyUrl + '/{{prefix}}'
            Push-Location '{{node}}'
            node client.mjs {{provider}} base stream | Out-Null
            Pop-Location
            $null = Stop-Tokentap
            $content = Get-TokenUsage -Session sdk-content | Get-TokenUsageContent
            'CONTENT=' + ([pscustomobject]@{ Response = $content.ResponseText; Messages = @($content.Messages | ForEach-Object { $_.Role + ': ' + $_.Text }) } | ConvertTo-Json -Compress)
            'OFF=' + (Get-Tokentap).ContentCapture
            """;
        var result = _shell.Run(script);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        var content = Json(result.Stdout, "CONTENT=");
        Assert.Equal("Hello from the mock.", content.GetProperty("Response").GetString());
        Assert.Equal(new[] { "user: Say hello in five words." }, content.GetProperty("Messages").EnumerateArray().Select(m => m.GetString()!).ToArray());
        Assert.Contains("OFF=False", Lines(result.Stdout));
        AssertNotInDataFolder("sk-ant-e2e-secret");
        AssertNotInDataFolder("sk-e2e-secret");
    }

    // No file of the data folder, gzip content decoded, holds the text.
    private void AssertNotInDataFolder(string secret)
    {
        foreach (var (file, bytes) in DataFolderFiles.Read(Path.Combine(_shell.Root, "tokentap")))
        {
            Assert.False(Encoding.Latin1.GetString(bytes).Contains(secret, StringComparison.Ordinal), $"{file} holds {secret}");
        }
    }

    private static JsonElement Json(string stdout, string prefix) =>
        JsonDocument.Parse(Assert.Single(Lines(stdout), l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..]).RootElement.Clone();

    private static List<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
}
