// Starts `paritrana-rules lsp` for rubric files and connects it to the editor.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("paritranaRubric");
  const [command, ...args] = settings.get("command");
  client = new LanguageClient(
    "paritranaRubric",
    "Paritrana rubrics",
    { command, args },
    {
      documentSelector: [{ scheme: "file", language: "paritrana-rubric" }],
      initializationOptions: { lang: settings.get("language") },
    },
  );
  context.subscriptions.push(client);
  client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
