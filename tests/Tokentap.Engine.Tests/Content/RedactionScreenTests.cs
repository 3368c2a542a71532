// The anchors screen that lets text skip redaction patterns: it never lets a secret through, wherever it sits or however it is escaped.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tokentap.Engine.Content;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Content;

public sealed class RedactionScreenTests
{
    // 47 KB of a coding agent's prose and code around the secret: no anchor of the secret's pattern in it.
    private static readonly string Filler = string.Concat(Enumerable.Repeat("The build passed on the second run; see src/Orders/OrderRepository.cs line 42 for the retry.\n", 500));

    public static TheoryData<int, string> Placements()
    {
        var data = new TheoryData<int, string>();
        for (var i = 0; i < SecretCorpus.All.Length; i++)
        {
            foreach (var placement in new[] { "alone", "start", "middle", "end" })
            {
                data.Add(i, placement);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Placements))]
    public void A_secret_of_every_shape_is_caught_at_the_start_in_the_middle_and_at_the_end_of_a_long_string(int index, string placement)
    {
        var (kind, secret, prompt) = SecretCorpus.All[index];
        var text = placement switch
        {
            "alone" => prompt,
            "start" => prompt + "\n" + Filler,
            "middle" => Filler + prompt + "\n" + Filler,
            _ => Filler + prompt,
        };

        var redacted = Redaction.BuiltIn.Apply(text);
        var sanitized = Sanitized(JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = text } } }));

        Assert.Equal(EveryPattern(text), redacted);
        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.Contains($"[REDACTED:{kind}]", redacted, StringComparison.Ordinal);
        Assert.Equal(redacted, sanitized["messages"]![0]!["content"]!.GetValue<string>());
        Assert.False(Redaction.BuiltIn.CannotMatch(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void A_secret_written_with_JSON_escapes_is_caught_as_the_unescaped_text()
    {
        // sk-ant-..., AKIA... and a JWT with their first characters escaped, as a JSON encoder may write them.
        const string body = """{"messages":[{"role":"user","content":"key: sk\u002dant\u002dapi03-Qx7vN2mR8kLp4sT9wZ1yB6cD3 and \u0041KIAQ3EXAMPLE7KZ4PLM and \u0065yJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fw"}]}""";

        var content = Sanitized(body)["messages"]![0]!["content"]!.GetValue<string>();

        Assert.Equal("key: [REDACTED:anthropic-key] and [REDACTED:aws-access-key-id] and [REDACTED:jwt]", content);
    }

    [Fact]
    public void The_Kelvin_sign_which_the_patterns_take_for_k_keeps_the_patterns_running()
    {
        // (?i:...) in .NET matches U+212A KELVIN SIGN for k; an ordinal ignore-case scan for "key" would not see it.
        const string text = "DefaultEndpointsProtocol=https;Account\u212Aey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A=;EndpointSuffix=core.windows.net\nAPI_\u212AEY=hunter2-hunter2";

        var redacted = Redaction.BuiltIn.Apply(text);
        var sanitized = Sanitized(JsonSerializer.Serialize(new { system = text }))["system"]!.GetValue<string>();

        Assert.Equal(EveryPattern(text), redacted);
        Assert.Equal(redacted, sanitized);
        Assert.Equal("DefaultEndpointsProtocol=https;Account\u212Aey=[REDACTED:azure-key];EndpointSuffix=core.windows.net\nAPI_\u212AEY=[REDACTED:env-secret]", redacted);
        Assert.False(Redaction.BuiltIn.CannotMatch(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Text_without_any_anchor_skips_every_pattern_and_extra_patterns_are_never_skipped()
    {
        var plain = "Say how a proxy should handle a stream of server-sent events."u8;

        Assert.True(Redaction.BuiltIn.CannotMatch(plain));
        Assert.True(Redaction.BuiltIn.CannotMatch(""u8));
        Assert.False(Redaction.BuiltIn.CannotMatch("the password: hunter2-hunter2"u8));
        Assert.False(new Redaction(["ACME-[0-9]{8}"]).CannotMatch(plain));
        Assert.Equal(0UL, Redaction.BuiltIn.Screen(plain));
    }

    [Fact]
    public void The_screen_names_the_patterns_that_may_match_and_a_replacement_makes_the_rest_screen_again()
    {
        // "password: sk-ant-..." holds the anchors of anthropic-key, openai-key (sk-) and env-secret (pass and ':').
        const string text = "password: sk-ant-api03-Qx7vN2mR8kLp4sT9wZ1yB6cD3";
        var names = RedactionPatterns.All.Select(p => p.Kind).ToList();

        var screened = Redaction.BuiltIn.Screen(Encoding.UTF8.GetBytes(text));

        Assert.Equal(
            new[] { "anthropic-key", "openai-key", "env-secret", "json-secret" },
            names.Where((_, i) => (screened & (1UL << i)) != 0).ToArray());
        Assert.Equal(EveryPattern(text), Redaction.BuiltIn.Apply(text, screened));
        Assert.Equal("password: [REDACTED:anthropic-key]", Redaction.BuiltIn.Apply(text, screened));
        Assert.Equal("ticket [REDACTED:custom] is open", new Redaction(["ACME-[0-9]{8}"]).Apply("ticket ACME-20261206 is open", 0));
    }

    [Fact]
    public void A_Claude_Code_size_request_is_copied_exactly_with_its_secrets_redacted()
    {
        var body = JsonNode.Parse(AgentRequestBody.Build())!.AsObject();
        var messages = body["messages"]!.AsArray();
        messages.Add(new JsonObject { ["role"] = "user", ["content"] = string.Join("\n", SecretCorpus.All.Select(s => s.Prompt)) });

        var sanitized = Sanitized(body.ToJsonString());

        var expected = JsonNode.Parse(body.ToJsonString())!;
        expected["messages"]![messages.Count - 1]!["content"] = EveryPattern(messages[^1]!["content"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(expected, sanitized), "the sanitized request differs from the request with its secrets redacted");
        Assert.All(SecretCorpus.All, s => Assert.DoesNotContain(s.Secret, sanitized.ToJsonString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Every_string_of_a_Claude_Code_size_request_redacts_the_same_as_running_every_pattern()
    {
        var reader = new Utf8JsonReader(AgentRequestBody.Build());
        var strings = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                var text = reader.GetString()!;
                Assert.Equal(EveryPattern(text), Redaction.BuiltIn.Apply(text));
                strings++;
            }
        }

        Assert.True(strings > 400, $"{strings} strings");
    }

    private static JsonNode Sanitized(string body) =>
        JsonNode.Parse(RequestSanitizer.Sanitize(Encoding.UTF8.GetBytes(body), Redaction.BuiltIn, ContentCapture.MaxRequestBytes).Json)!;

    // What redaction did before the screen: every built-in pattern over the text, in order.
    private static string EveryPattern(string text)
    {
        foreach (var (kind, regex, _) in RedactionPatterns.All)
        {
            text = regex.Replace(text, m =>
            {
                var keep = m.Groups["keep"] is { Success: true } group ? group.Value : "";
                var value = m.Value.AsSpan(keep.Length).TrimStart();
                return value.StartsWith("[REDACTED", StringComparison.Ordinal) ? m.Value : keep + $"[REDACTED:{kind}]";
            });
        }

        return text;
    }
}
