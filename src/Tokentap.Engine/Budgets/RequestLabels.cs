// The labels of a request about to be forwarded, as a budget scope matches them.
namespace Tokentap.Engine.Budgets;

/// <summary>Provider, model, app, session and project of a billed request (the same labels its event will carry).</summary>
internal readonly record struct RequestLabels(string Provider, string? Model, string? App, string? Session, string? Project);
