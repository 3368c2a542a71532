// A Claude Code-size Messages request body (system prompt, tools with schemas, a long tool-using conversation) for cost measurements.
using System.Text;
using System.Text.Json;

namespace Tokentap.Testing;

/// <summary>
/// Builds the kind of request body a coding agent sends late in a session: the system prompt in two blocks (the second
/// cached), 16 tools with descriptions and JSON schemas, and a conversation of user turns, assistant text with
/// tool_use blocks and tool_result blocks holding source files and shell output, until the body reaches the size asked
/// for. The text is prose, C#, shell output, paths and URLs (no secrets), always the same for the same size.
/// </summary>
public static class AgentRequestBody
{
    private static readonly string[] Prose =
    [
        "The proxy relays every byte to the client first and gives a copy to the observer afterwards.",
        "Read the failing test before you change the code, and run it again after the change.",
        "Prefer small commits with a message that says why the change was made.",
        "When a file is longer than you can read at once, read it in ranges with offset and limit.",
        "Use the Grep tool for content searches and the Glob tool for finding files by name.",
        "If the user asks for a plan, write the plan first and wait for a confirmation.",
        "Keep answers short: the user reads them in a terminal, four lines at most unless asked for detail.",
        "Never commit changes unless the user explicitly asks you to.",
        "See https://docs.anthropic.com/en/docs/claude-code/settings for the settings file and its keys.",
        "The build failed on the CI runner but passes locally; the difference is the SDK version in global.json.",
    ];

    private static readonly string[] Code =
    [
        "using System.Buffers;",
        "namespace Acme.Orders.Service;",
        "internal sealed class OrderRepository(IDbConnectionFactory connections, ILogger<OrderRepository> logger)",
        "{",
        "    private const int PageSize = 200;",
        "    public async Task<IReadOnlyList<Order>> ListAsync(CustomerId customer, CancellationToken cancellationToken)",
        "    {",
        "        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);",
        "        var rows = await connection.QueryAsync<OrderRow>(Sql.ListOrders, new { customer = customer.Value, take = PageSize });",
        "        logger.LogDebug(\"listed {Count} orders for {Customer}\", rows.Count, customer);",
        "        return rows.Select(r => r.ToOrder()).ToList();",
        "    }",
        "    // The total is recomputed from the lines: the stored total was wrong for orders imported before 2024.",
        "    public decimal Total(Order order) => order.Lines.Sum(l => l.Quantity * l.UnitPrice) - order.Discount;",
        "}",
        "if (string.IsNullOrEmpty(options.BaseUrl)) { throw new ArgumentException(\"BaseUrl is required\", nameof(options)); }",
        "var retry = Policy.Handle<HttpRequestException>().WaitAndRetryAsync(3, attempt => TimeSpan.FromSeconds(attempt));",
        "for (var i = 0; i < items.Length; i++) { total += items[i].Cost; }",
        "services.AddHttpClient<PaymentClient>(c => c.BaseAddress = new Uri(\"https://payments.internal.acme.dev/v2/\"));",
        "const config = { port: 8080, host: '0.0.0.0', logLevel: 'info', retries: 3 };",
    ];

    private static readonly string[] Shell =
    [
        "$ dotnet test tests/Acme.Orders.Tests --filter OrderRepository",
        "  Determining projects to restore...",
        "  All projects are up-to-date for restore.",
        "  Acme.Orders -> /home/dev/acme/src/Acme.Orders/bin/Debug/net8.0/Acme.Orders.dll",
        "[xUnit.net 00:00:01.23]     Acme.Orders.Tests.OrderRepositoryTests.Total_subtracts_the_discount [FAIL]",
        "  Assert.Equal() Failure: Values differ",
        "  Expected: 118.40",
        "  Actual:   120.00",
        "Failed!  - Failed:     1, Passed:    41, Skipped:     0, Total:    42, Duration: 2 s",
        "$ git status --short",
        " M src/Acme.Orders/OrderRepository.cs",
        "?? tests/Acme.Orders.Tests/Fixtures/orders.json",
        "drwxr-xr-x  5 dev dev  4096 Dec  6 05:12 src",
        "-rw-r--r--  1 dev dev  1873 Dec  6 05:10 README.md",
        "PORT=8080",
        "LOG_LEVEL=debug",
    ];

    private static readonly string[] Tools =
    [
        "Bash", "Read", "Edit", "Write", "Glob", "Grep", "TodoWrite", "WebFetch", "WebSearch", "NotebookEdit", "Task", "BashOutput",
        "KillShell", "ExitPlanMode", "SlashCommand", "MultiEdit",
    ];

    /// <summary>The body as UTF-8 JSON, at least <paramref name="targetBytes"/> long (about 200 KB by default).</summary>
    public static byte[] Build(int targetBytes = 200 * 1024, string model = "claude-sonnet-4-5")
    {
        var random = new Random(23);
        var output = new MemoryStream(targetBytes + 16 * 1024);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteNumber("max_tokens", 32000);
            json.WriteBoolean("stream", true);
            json.WriteStartArray("system");
            json.WriteStartObject();
            json.WriteString("type", "text");
            json.WriteString("text", "You are Claude Code, Anthropic's official CLI for Claude.");
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("type", "text");
            json.WriteString("text", Text(random, Prose, 14 * 1024, " "));
            json.WriteStartObject("cache_control");
            json.WriteString("type", "ephemeral");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            WriteTools(json, random);
            json.WriteStartArray("messages");
            var turn = 0;
            while (json.BytesCommitted + json.BytesPending < targetBytes || turn < 26)
            {
                WriteTurn(json, random, turn++);
                json.Flush();
            }

            json.WriteStartObject();
            json.WriteString("role", "user");
            json.WriteString("content", "Now run the tests again and tell me whether the fix holds.");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartObject("metadata");
            json.WriteString("user_id", "user_5e0c1b9d7a3f42e8b6c4d2a0f9e8d7c6_account__session_2b7f4c1e-9a3d-4e6f-8b2c-1d0e9f8a7b6c");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return output.ToArray();
    }

    private static void WriteTools(Utf8JsonWriter json, Random random)
    {
        json.WriteStartArray("tools");
        foreach (var name in Tools)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("description", Text(random, Prose, 1500 + random.Next(2500), " "));
            json.WriteStartObject("input_schema");
            json.WriteString("type", "object");
            json.WriteStartObject("properties");
            foreach (var property in new[] { "command", "file_path", "timeout", "description" }.Take(1 + random.Next(4)))
            {
                json.WriteStartObject(property);
                json.WriteString("type", property == "timeout" ? "number" : "string");
                json.WriteString("description", Text(random, Prose, 120 + random.Next(200), " "));
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteStartArray("required");
            json.WriteStringValue("command");
            json.WriteEndArray();
            json.WriteBoolean("additionalProperties", false);
            json.WriteString("$schema", "http://json-schema.org/draft-07/schema#");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    // One round: the assistant says what it does and calls a tool; the user turn carries the tool's result.
    private static void WriteTurn(Utf8JsonWriter json, Random random, int turn)
    {
        var id = $"toolu_01{turn:D4}Vq8mXcN3rT5bY7wZ2kPdLf";
        var tool = Tools[random.Next(6)];
        json.WriteStartObject();
        json.WriteString("role", "assistant");
        json.WriteStartArray("content");
        json.WriteStartObject();
        json.WriteString("type", "text");
        json.WriteString("text", Text(random, Prose, 200 + random.Next(400), " "));
        json.WriteEndObject();
        json.WriteStartObject();
        json.WriteString("type", "tool_use");
        json.WriteString("id", id);
        json.WriteString("name", tool);
        json.WriteStartObject("input");
        json.WriteString(tool == "Bash" ? "command" : "file_path", tool == "Bash" ? "dotnet test tests/Acme.Orders.Tests --filter OrderRepository" : $"/home/dev/acme/src/Acme.Orders/File{turn}.cs");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartObject();
        json.WriteString("role", "user");
        json.WriteStartArray("content");
        json.WriteStartObject();
        json.WriteString("type", "tool_result");
        json.WriteString("tool_use_id", id);
        json.WriteString("content", tool == "Bash" ? Text(random, Shell, 1500 + random.Next(2500), "\n") : Numbered(Text(random, Code, 2500 + random.Next(4000), "\n")));
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string Text(Random random, string[] lines, int length, string separator)
    {
        var text = new StringBuilder(length + 200);
        while (text.Length < length)
        {
            text.Append(lines[random.Next(lines.Length)]).Append(separator);
        }

        return text.ToString();
    }

    // The Read tool's output: each line with its number and a tab.
    private static string Numbered(string code) =>
        string.Join('\n', code.Split('\n').Select((line, i) => $"{i + 1,6}\t{line}"));
}
