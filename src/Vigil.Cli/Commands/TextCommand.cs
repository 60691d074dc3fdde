using System.CommandLine;
using System.Globalization;
using Vigil.Cli.Conversations;
using Vigil.Cli.Interaction;
using Vigil.Conversations;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil text score FILE.jsonl</c>: the grooming-risk score of each conversation in a file of messages (docs/conversations.md).</summary>
internal static class TextCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var text = new Command("text", "Score conversations for grooming risk with an operator's rule file; past the threshold means a person should review, never a finding");
        text.Subcommands.Add(CreateScore(output, error));
        return text;
    }

    private static Command CreateScore(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("FILE") { Description = "Messages as JSON Lines (conversation, sender, recipient, time, text, optional sender_age, recipient_age, sender_is_minor, recipient_is_minor), or - for standard input" };
        var rules = RulesOption();
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var threshold = ThresholdOption();
        var textModel = TextModelOption.Create();
        var openCases = new Option<bool>("--open-cases")
        {
            Description = "Open a review case for each conversation past the threshold (source conversation, below every hash match, with the messages that raised it), "
                          + "once per conversation id as the server's POST /v1/conversations/ID/messages does (see 'vigil review')",
        };
        var command = new Command("score", "Score each conversation message by message; prints its final score, whether it passes the threshold, its signals and the messages that raised it")
        {
            file, rules, format, threshold, textModel, openCases,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (LoadRules(parse.GetValue(rules), parse.GetValue(threshold), error) is not { } riskRules)
                return ExitCodes.Failure;
            string path = parse.GetValue(file)!;
            var (model, signal) = TextModelOption.Load(parse.GetValue(textModel), error, out bool modelFailed);
            if (modelFailed)
                return ExitCodes.Failure;
            using var ownedModel = model;
            var scorer = new ConversationRiskScorer(riskRules, signal);
            var conversations = new Dictionary<string, ScoredConversation>(StringComparer.Ordinal);
            var order = new List<ScoredConversation>();
            var progress = new CommandProgress(error, "messages", null, () => $", {conversations.Count:N0} conversations");
            try
            {
                // Standard input is not ours to close.
                using var file = path == "-" ? null : OpenText(path);
                TextReader reader = file ?? Console.In;
                foreach (var line in ConversationLineReader.Read(reader))
                {
                    ct.ThrowIfCancellationRequested();
                    if (!conversations.TryGetValue(line.Conversation, out var conversation))
                    {
                        conversation = new ScoredConversation(line.Conversation);
                        conversations.Add(line.Conversation, conversation);
                        order.Add(conversation);
                    }
                    conversation.Messages.Add(line.Message);
                    conversation.Risk = scorer.Add(line.Conversation, line.Message, line.SenderFacts, line.RecipientFacts);
                    progress.Advance();
                }
            }
            catch (ConversationLineException e)
            {
                progress.Clear();
                error.WriteLine($"error: {(path == "-" ? "standard input" : path)} {e.Message}");
                return ExitCodes.Failure;
            }
            catch (IOException e)
            {
                progress.Clear();
                error.WriteLine($"error: {path}: {e.Message}");
                return ExitCodes.Failure;
            }
            progress.Finish();
            string outputFormat = parse.GetValue(format)!;
            await using var store = parse.GetValue(openCases) ? await StoreOption.OpenAsync(parse, ct) : null;
            var opener = store is null ? null : new CaseOpener(store);
            if (opener is not null)
            {
                foreach (var conversation in order)
                    conversation.Item = await opener.OpenConversationAsync(conversation.Id, conversation.Risk!, conversation.Messages, ct);
            }
            var writer = new ConversationScoreWriter(output, outputFormat);
            foreach (var conversation in order)
                writer.Write(conversation);
            // Standard output stays one JSON object a line in json.
            if (opener is not null)
                (outputFormat == "json" ? error : output).WriteLine(opener.Summary("no conversation past the threshold"));
            await output.FlushAsync(ct).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static Option<string?> RulesOption() =>
        new("--rules", "-r") { Description = "A rule file (JSON, docs/conversations.md; default: the built-in rules, docs/conversation-rules.json)" };

    internal static Option<double?> ThresholdOption() => new("--threshold", "-t")
    {
        Description = "Review threshold, more than 0 and at most 1 (default: the rule file's)",
        Validators =
        {
            r =>
            {
                if (r.Tokens.Count == 1 && double.TryParse(r.Tokens[0].Value, CultureInfo.InvariantCulture, out double t) && !(t is > 0 and <= 1))
                    r.AddError("--threshold must be more than 0 and at most 1");
            },
        },
    };

    /// <summary>The rules named (or the built-in ones), with the threshold replaced if one is given; null after writing the error.</summary>
    internal static RiskRules? LoadRules(string? path, double? threshold, TextWriter error)
    {
        try
        {
            var rules = path is null ? RiskRules.Default : RiskRules.Load(path);
            return threshold is double t ? rules.WithThreshold(t) : rules;
        }
        catch (RiskRulesException e)
        {
            error.WriteLine("error: " + e.Message);
            return null;
        }
    }

    private static StreamReader OpenText(string path)
    {
        try
        {
            return File.OpenText(path);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException)
        {
            throw new IOException(e.Message, e);
        }
    }
}
