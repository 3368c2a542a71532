// anomalies.json: every setting read, defaults kept for the rest, and mistakes named with their line.
using System.Text;
using Tokentap.Engine.Anomalies;

namespace Tokentap.Engine.Tests.Anomalies;

public sealed class AnomalySettingsFileTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "tokentap-anomaly-settings", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    private static AnomalySettings Parse(string json) => AnomalySettingsFile.Parse(Encoding.UTF8.GetBytes(json), "anomalies.json");

    [Fact]
    public void No_file_means_the_defaults()
    {
        Assert.Same(AnomalySettings.Default, AnomalySettingsFile.Load(new TokentapPaths(_home)));
    }

    [Fact]
    public void Every_setting_is_read_and_the_rest_keep_their_defaults()
    {
        Directory.CreateDirectory(_home);
        File.WriteAllText(Path.Combine(_home, "anomalies.json"), """
            {
              // stricter for CI
              "cacheBreak": { "enabled": false, "minHits": 3, "hitRatio": 0.6, "missRatio": 0.2, "minTokens": 2048, "cacheTtlMinutes": 60 },
              "retryLoop": { "count": 3, "windowSeconds": 30.5 },
              "tokenSpike": { "multiplier": 4, "minExtraTokens": 5000, "minHistory": 10, },
              "errorBurst": { "enabled": true, "count": 8, "windowSeconds": 120 },
            }
            """);

        var settings = AnomalySettingsFile.Load(new TokentapPaths(_home));

        Assert.Equal(AnomalySettings.Default with
        {
            CacheBreakEnabled = false,
            CacheBreakMinHits = 3,
            CacheBreakHitRatio = 0.6,
            CacheBreakMissRatio = 0.2,
            CacheBreakMinTokens = 2048,
            CacheTtl = TimeSpan.FromHours(1),
            RetryLoopCount = 3,
            RetryLoopWindow = TimeSpan.FromSeconds(30.5),
            TokenSpikeMultiplier = 4,
            TokenSpikeMinExtraTokens = 5000,
            TokenSpikeMinHistory = 10,
            ErrorBurstCount = 8,
            ErrorBurstWindow = TimeSpan.FromSeconds(120),
        }, settings);
        Assert.True(settings.RetryLoopEnabled);
    }

    [Theory]
    [InlineData("{\n  \"retryLoop\": {\n    \"count\": 1\n  }\n}", "anomalies.json line 3: 'retryLoop.count' must be a whole number from 2 to 1000.")]
    [InlineData("{\n  \"retryLoop\": { \"count\": 2.5 }\n}", "anomalies.json line 2: 'retryLoop.count' must be a whole number from 2 to 1000.")]
    [InlineData("{\n\n  \"errorBurst\": { \"enabled\": \"yes\" }\n}", "anomalies.json line 3: 'errorBurst.enabled' must be true or false.")]
    [InlineData("{\n  \"tokenSpike\": {\n    \"multiplyer\": 4\n  }\n}", "anomalies.json line 3: unknown setting 'tokenSpike.multiplyer'; 'tokenSpike' takes enabled, multiplier, minExtraTokens, minHistory, action.")]
    [InlineData("{\n  \"cacheBreak\": {\n    \"action\": \"Block\"\n  }\n}", "anomalies.json line 3: 'cacheBreak.action' must be \"Warn\" (only retryLoop can Block).")]
    [InlineData("{\n  \"retryLoop\": { \"action\": \"block\" }\n}", "anomalies.json line 2: 'retryLoop.action' must be \"Warn\" or \"Block\".")]
    [InlineData("{\n\n\n  \"errorBurst\": { \"action\": 1 }\n}", "anomalies.json line 4: 'errorBurst.action' must be \"Warn\" (only retryLoop can Block).")]
    [InlineData("{\n  \"retryloops\": {}\n}", "anomalies.json line 2: unknown section 'retryloops'; the sections are cacheBreak, retryLoop, tokenSpike and errorBurst.")]
    [InlineData("[1]", "anomalies.json line 1: the file must hold one JSON object.")]
    [InlineData("{\n  \"cacheBreak\": 5\n}", "anomalies.json line 2: 'cacheBreak' must be an object.")]
    public void A_mistake_names_its_line(string json, string message)
    {
        Assert.Equal(message, Assert.Throws<InvalidDataException>(() => Parse(json)).Message);
    }

    [Fact]
    public void Retry_loops_can_Block_and_every_kind_can_say_Warn()
    {
        var settings = Parse("""
            {
              "cacheBreak": { "action": "Warn" },
              "retryLoop": { "action": "Block" },
              "tokenSpike": { "action": "Warn" },
              "errorBurst": { "action": "Warn" }
            }
            """);

        Assert.Equal(AnomalyAction.Warn, AnomalySettings.Default.RetryLoopAction);
        Assert.Equal(AnomalySettings.Default with { RetryLoopAction = AnomalyAction.Block }, settings);
    }

    [Fact]
    public void Broken_json_names_its_line()
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse("{\n  \"retryLoop\": {\n    \"count\": 3,,\n  }\n}"));

        Assert.StartsWith("anomalies.json line 3: not valid JSON", error.Message);
    }
}
