using System.CommandLine;
using Vigil.Cli.Serve;
using Vigil.Media;
using Vigil.Review.Actions;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>--actions FILE</c> and <c>--allow-webhook-url PREFIX</c> on the commands that open or decide cases outside the
/// server (<c>scan</c> and <c>watch</c> with <c>--open-cases</c>, <c>review decide</c>, <c>report send|retry</c>): the same
/// rules file and allow-list as <c>vigil serve</c>'s, so a case a script opens tells the platform as one the server
/// opens would. Without the options, <c>$VIGIL_ACTIONS</c> and <c>$VIGIL_ALLOW_WEBHOOK_URL</c> (as serve reads them);
/// without either, events are dropped as the server drops them without rules.
/// </summary>
internal sealed class ActionOptions
{
    /// <summary>The rules file.</summary>
    public Option<string?> Rules { get; } = new("--actions")
    {
        Description = "Act on the events this command raises by the rules in FILE (as 'vigil serve --actions'; docs/actions.md): " +
                      "sent before it ends, and what could not be sent waits in the outbox for 'vigil serve'. Default: $VIGIL_ACTIONS, else off",
        HelpName = "FILE",
    };

    /// <summary>The webhook allow-list.</summary>
    public Option<string[]> AllowWebhookUrl { get; } = new("--allow-webhook-url")
    {
        Description = "Let action webhooks be sent under this prefix (repeatable; as 'vigil serve'). Default: $VIGIL_ALLOW_WEBHOOK_URL",
        AllowMultipleArgumentsPerToken = false,
        HelpName = "PREFIX",
    };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Rules);
        command.Options.Add(AllowWebhookUrl);
    }

    /// <summary>
    /// Refuses the options on a run that raises no events (<paramref name="raisesEvents"/> false), where they would do
    /// nothing; <paramref name="instead"/> finishes the message (e.g. <c>the cases --open-cases opens: give --open-cases too</c>).
    /// </summary>
    public void RequireWith(ParseResult parse, bool raisesEvents, string instead = "the cases --open-cases opens: give --open-cases too")
    {
        if (!raisesEvents && (parse.GetResult(Rules) is { Implicit: false } || parse.GetResult(AllowWebhookUrl) is { Implicit: false }))
            throw new ArgumentException("--actions and --allow-webhook-url are about " + instead);
    }

    /// <summary>
    /// Loads the rules the options (or the environment) name, before anything changes: a bad rules file, a missing
    /// secret or a webhook outside the allow-list is an <see cref="ArgumentException"/> naming the rule. Returns
    /// <see cref="CliActions.Off"/> when no rules file is named. <paramref name="configured"/> is a serve config file's
    /// <c>actions</c> section, for commands that read one: the environment and the options override it, as in serve.
    /// </summary>
    public CliActions Load(ParseResult parse, IVigilStore store, ActionsSection? configured = null) =>
        Load(parse, store, configured, Environment.GetEnvironmentVariable);

    /// <summary><see cref="Load(ParseResult, IVigilStore, ActionsSection?)"/> with the environment read through <paramref name="environment"/>.</summary>
    internal CliActions Load(ParseResult parse, IVigilStore store, ActionsSection? configured, Func<string, string?> environment)
    {
        bool prefixesGiven = parse.GetResult(AllowWebhookUrl) is { Implicit: false };
        // As serve layers them: the options over the environment (a variable set empty is unset) over the config file.
        string? Variable(string name) => environment(name) is { Length: > 0 } value ? value : null;
        var effective = new ActionsSection
        {
            Rules = parse.GetValue(Rules) ?? Variable(ServeConfigResolver.ActionsVariable) ?? configured?.Rules,
            AllowWebhookUrl = prefixesGiven ? parse.GetValue(AllowWebhookUrl)
                : ServeConfigResolver.CommaList(Variable(ServeConfigResolver.AllowWebhookUrlVariable)) ?? configured?.AllowWebhookUrl,
        };
        (ActionRuleSet Rules, UrlPrefixAllowList AllowList)? loaded;
        try
        {
            loaded = effective.LoadRules(environment);
        }
        catch (ActionRulesException e)
        {
            throw new ArgumentException(e.Message, e);
        }
        if (loaded is not { } actions)
        {
            if (prefixesGiven)
                throw new ArgumentException("--allow-webhook-url is about the webhooks of --actions FILE: give --actions too");
            return CliActions.Off;
        }
        return actions.Rules.IsEmpty ? CliActions.Off : new CliActions(actions.Rules, actions.AllowList, store);
    }
}
