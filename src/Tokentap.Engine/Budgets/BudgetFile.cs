// Reads and writes budgets.json in $TOKENTAP_HOME: human-editable JSON, validated with the line of every problem.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tokentap.Engine.Budgets;

/// <summary>
/// The file is a JSON object: {"webhook": "https://...", "budgets": [{"name": "daily", "amount": 10, "period": "Day",
/// "action": "Block", "thresholds": [50, 80, 100], "timeZone": "Europe/Berlin", "model": ["claude-*"], "app": [...],
/// "project": [...], "provider": [...], "session": [...]}]}. Comments and trailing commas are allowed. Unknown members
/// are errors, so a typo never silently widens a scope. Saving rewrites the file (comments are not kept).
/// </summary>
internal static class BudgetFile
{
    public const string FileName = "budgets.json";

    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The file's path in a data folder.</summary>
    public static string PathIn(TokentapPaths paths) => System.IO.Path.Combine(paths.Home, FileName);

    /// <summary>Reads the file; a missing file is an empty book. Throws <see cref="BudgetFileException"/> for a bad one.</summary>
    public static BudgetBook Load(string path)
    {
        if (!File.Exists(path))
        {
            // Most data folders have none: no exception on every start (the catch below is for a file removed meanwhile).
            return BudgetBook.Empty;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return BudgetBook.Empty;
        }

        return Parse(bytes, path);
    }

    /// <summary>Parses file contents; <paramref name="path"/> names the file in errors.</summary>
    public static BudgetBook Parse(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        if (bytes.Trim(" \t\r\n"u8).IsEmpty)
        {
            return BudgetBook.Empty;
        }

        var reader = new Utf8JsonReader(bytes, ReaderOptions);
        var context = new Context(bytes.ToArray(), path);
        try
        {
            return ReadBook(ref reader, context);
        }
        catch (JsonException ex)
        {
            throw new BudgetFileException(path, (ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1, "not valid JSON: " + FirstSentence(ex.Message), ex);
        }
    }

    /// <summary>Writes the book (atomically: a temporary file moved over the old one).</summary>
    public static void Save(string path, BudgetBook book)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            if (book.Webhook is not null)
            {
                writer.WriteString("webhook", book.Webhook.ToString());
            }

            writer.WriteStartArray("budgets");
            foreach (var budget in book.Budgets)
            {
                writer.WriteStartObject();
                writer.WriteString("name", budget.Name);
                writer.WriteNumber("amount", budget.Amount);
                writer.WriteString("period", budget.Period.Text);
                writer.WriteString("action", budget.Action.ToString());
                writer.WriteStartArray("thresholds");
                foreach (var threshold in budget.Thresholds)
                {
                    writer.WriteNumberValue(threshold);
                }

                writer.WriteEndArray();
                if (budget.TimeZoneId is not null)
                {
                    writer.WriteString("timeZone", budget.TimeZoneId);
                }

                WritePatterns(writer, "provider", budget.Scope.Provider);
                WritePatterns(writer, "model", budget.Scope.Model);
                WritePatterns(writer, "app", budget.Scope.App);
                WritePatterns(writer, "project", budget.Scope.Project);
                WritePatterns(writer, "session", budget.Scope.Session);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        OwnerOnlyFile.EnsureDirectory(System.IO.Path.GetDirectoryName(path)!);
        // Owner-only: a webhook URL is a credential (Slack and Discord put the token in it).
        OwnerOnlyFile.WriteSecret(path, System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WritePatterns(Utf8JsonWriter writer, string name, IReadOnlyList<string>? patterns)
    {
        if (patterns is not { Count: > 0 })
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var pattern in patterns)
        {
            writer.WriteStringValue(pattern);
        }

        writer.WriteEndArray();
    }

    private static BudgetBook ReadBook(ref Utf8JsonReader reader, Context context)
    {
        reader.Read();
        context.Expect(ref reader, JsonTokenType.StartObject, "the file must be a JSON object with a \"budgets\" array");
        Uri? webhook = null;
        var budgets = new List<BudgetDefinition>();
        var seenBudgets = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            var at = context.Where(reader);
            reader.Read();
            switch (name)
            {
                case "webhook":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }

                    context.Expect(ref reader, JsonTokenType.String, "\"webhook\" must be a URL string");
                    if (!Uri.TryCreate(reader.GetString(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                    {
                        throw context.Error(reader, "\"webhook\" must be an http:// or https:// URL");
                    }

                    webhook = uri;
                    break;
                case "budgets":
                    context.Expect(ref reader, JsonTokenType.StartArray, "\"budgets\" must be an array of budget objects");
                    seenBudgets = true;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        var budget = ReadBudget(ref reader, context);
                        if (budgets.Any(b => string.Equals(b.Name, budget.Name, StringComparison.OrdinalIgnoreCase)))
                        {
                            throw new BudgetFileException(context.Path, context.LastBudgetLine, context.LastBudgetPosition, $"a second budget is named '{budget.Name}' (names must be unique)");
                        }

                        budgets.Add(budget);
                    }

                    break;
                default:
                    throw new BudgetFileException(context.Path, at.Line, at.Position, $"unknown member \"{name}\" (expected \"budgets\" or \"webhook\")");
            }
        }

        if (!seenBudgets && webhook is null)
        {
            throw context.Error(reader, "the file has no \"budgets\" array");
        }

        return new BudgetBook { Budgets = budgets, Webhook = webhook };
    }

    private static BudgetDefinition ReadBudget(ref Utf8JsonReader reader, Context context)
    {
        context.Expect(ref reader, JsonTokenType.StartObject, "each budget must be a JSON object");
        var start = context.Where(reader);
        context.LastBudgetLine = start.Line;
        context.LastBudgetPosition = start.Position;
        string? name = null;
        decimal? amount = null;
        BudgetPeriod? period = null;
        var action = BudgetAction.Warn;
        IReadOnlyList<int> thresholds = BudgetDefinition.DefaultThresholds;
        string? zone = null;
        IReadOnlyList<string>? provider = null, model = null, app = null, project = null, session = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = reader.GetString()!;
            var at = context.Where(reader);
            reader.Read();
            switch (member)
            {
                case "name":
                    context.Expect(ref reader, JsonTokenType.String, "\"name\" must be a string");
                    name = reader.GetString()!.Trim();
                    if (!IsValidName(name))
                    {
                        throw context.Error(reader, "\"name\" must be 1 to 64 characters without wildcards (* ? [ ]) or control characters");
                    }

                    break;
                case "amount":
                    context.Expect(ref reader, JsonTokenType.Number, "\"amount\" must be a number of US dollars");
                    if (!reader.TryGetDecimal(out var value) || value <= 0 || value > 1_000_000_000)
                    {
                        throw context.Error(reader, "\"amount\" must be more than 0 and at most 1000000000 US dollars");
                    }

                    amount = value;
                    break;
                case "period":
                    context.Expect(ref reader, JsonTokenType.String, "\"period\" must be a string");
                    if (!BudgetPeriod.TryParse(reader.GetString(), out var parsed, out var periodError))
                    {
                        throw context.Error(reader, periodError);
                    }

                    period = parsed;
                    break;
                case "action":
                    context.Expect(ref reader, JsonTokenType.String, "\"action\" must be \"Warn\" or \"Block\"");
                    if (!Enum.TryParse(reader.GetString(), ignoreCase: true, out action) || !Enum.IsDefined(action))
                    {
                        throw context.Error(reader, $"\"action\" must be \"Warn\" or \"Block\", not \"{reader.GetString()}\"");
                    }

                    break;
                case "thresholds":
                    thresholds = ReadThresholds(ref reader, context);
                    break;
                case "timeZone":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        zone = null;
                        break;
                    }

                    context.Expect(ref reader, JsonTokenType.String, "\"timeZone\" must be a time zone id such as Europe/Berlin");
                    zone = reader.GetString();
                    if (!TryFindZone(zone, out _))
                    {
                        throw context.Error(reader, $"\"timeZone\" '{zone}' is not a time zone this system knows (use an id such as Europe/Berlin or UTC)");
                    }

                    break;
                case "provider":
                    provider = ReadPatterns(ref reader, context, member);
                    break;
                case "model":
                    model = ReadPatterns(ref reader, context, member);
                    break;
                case "app":
                    app = ReadPatterns(ref reader, context, member);
                    break;
                case "project":
                    project = ReadPatterns(ref reader, context, member);
                    break;
                case "session":
                    session = ReadPatterns(ref reader, context, member);
                    break;
                default:
                    throw new BudgetFileException(context.Path, at.Line, at.Position,
                        $"unknown budget member \"{member}\" (expected name, amount, period, action, thresholds, timeZone, provider, model, app, project, session)");
            }
        }

        if (name is null)
        {
            throw new BudgetFileException(context.Path, start.Line, start.Position, "this budget has no \"name\"");
        }

        if (amount is null)
        {
            throw new BudgetFileException(context.Path, start.Line, start.Position, $"budget '{name}' has no \"amount\"");
        }

        return new BudgetDefinition
        {
            Name = name,
            Amount = amount.Value,
            Period = period ?? DefaultPeriod,
            Action = action,
            Thresholds = thresholds,
            TimeZoneId = zone,
            Scope = new UsageFilter { Provider = provider, Model = model, App = app, Project = project, Session = session },
        };
    }

    /// <summary>The period a budget gets when none is given.</summary>
    public static BudgetPeriod DefaultPeriod
    {
        get
        {
            BudgetPeriod.TryParse("Day", out var day, out _);
            return day;
        }
    }

    /// <summary>A budget name: 1 to 64 characters, no wildcard or control characters.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length <= 64 && name.IndexOfAny(['*', '?', '[', ']']) < 0 && !name.Any(char.IsControl);

    /// <summary>Finds a zone by IANA or Windows id.</summary>
    public static bool TryFindZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>Checks a threshold list: ascending after sorting, distinct, each 1 to 1000.</summary>
    public static string? ThresholdProblem(IReadOnlyCollection<int> thresholds) =>
        thresholds.Any(t => t is < 1 or > 1000) ? "thresholds must be whole percentages from 1 to 1000"
        : thresholds.Distinct().Count() != thresholds.Count ? "thresholds must not repeat"
        : null;

    private static IReadOnlyList<int> ReadThresholds(ref Utf8JsonReader reader, Context context)
    {
        context.Expect(ref reader, JsonTokenType.StartArray, "\"thresholds\" must be an array of percentages such as [50, 80, 100]");
        var list = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            context.Expect(ref reader, JsonTokenType.Number, "each threshold must be a whole percentage");
            if (!reader.TryGetInt32(out var threshold) || threshold is < 1 or > 1000 || list.Contains(threshold))
            {
                throw context.Error(reader, "each threshold must be a whole percentage from 1 to 1000, given once");
            }

            list.Add(threshold);
        }

        list.Sort();
        return list;
    }

    private static IReadOnlyList<string>? ReadPatterns(ref Utf8JsonReader reader, Context context, string member)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var single = reader.GetString()!;
            return single.Length == 0 ? null : [single];
        }

        context.Expect(ref reader, JsonTokenType.StartArray, $"\"{member}\" must be a pattern or an array of patterns (wildcards * and ? allowed)");
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            context.Expect(ref reader, JsonTokenType.String, $"each \"{member}\" pattern must be a string");
            list.Add(reader.GetString()!);
        }

        return list.Count == 0 ? null : list;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd('.', ' ');
    }

    private sealed class Context(byte[] bytes, string path)
    {
        public string Path { get; } = path;

        public long LastBudgetLine { get; set; }

        public long LastBudgetPosition { get; set; }

        /// <summary>1-based line and character position of the current token.</summary>
        public (long Line, long Position) Where(in Utf8JsonReader reader)
        {
            var index = (int)reader.TokenStartIndex;
            var line = 1L;
            var lineStart = 0;
            for (var i = 0; i < index && i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            var position = Encoding.UTF8.GetCharCount(bytes, lineStart, Math.Max(0, index - lineStart)) + 1;
            return (line, position);
        }

        public BudgetFileException Error(in Utf8JsonReader reader, string problem)
        {
            var (line, position) = Where(reader);
            return new BudgetFileException(Path, line, position, problem);
        }

        public void Expect(ref Utf8JsonReader reader, JsonTokenType type, string problem)
        {
            if (reader.TokenType != type)
            {
                throw Error(reader, problem + $" (found {Describe(reader.TokenType)})");
            }
        }

        private static string Describe(JsonTokenType type) => type switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "true/false",
            JsonTokenType.Null => "null",
            _ => type.ToString().ToLower(CultureInfo.InvariantCulture),
        };
    }
}
