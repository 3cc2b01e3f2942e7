// wanattn-studio: the desktop explorer. `wanattn-studio [RUN_DIR] [--model DIR]` opens a
// run (or nothing) and remembers the model folder for Generate.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QTimer>
#include <exception>
#include <vector>

#include "core/render/token_select.h"

#include "ui/generate_panel.h"
#include "ui/grids_panel.h"
#include "ui/main_window.h"
#include "studio/studio_bench.h"
#include "ui/studio_paths.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("wanattn"));
  QApplication::setApplicationName(QStringLiteral("studio"));
  QApplication::setApplicationVersion(QStringLiteral(WANATTN_VERSION));

  QCommandLineParser cli;
  cli.setApplicationDescription(QStringLiteral("wanattn studio: explore what Wan2.1 attends to while it generates"));
  cli.addHelpOption();
  cli.addVersionOption();
  cli.addPositionalArgument(QStringLiteral("run"), QStringLiteral("a run folder to open"), QStringLiteral("[RUN_DIR]"));
  const QCommandLineOption model({QStringLiteral("m"), QStringLiteral("model")}, QStringLiteral("Wan2.1 model folder for Generate"),
                                 QStringLiteral("DIR"));
  const QCommandLineOption prompt(QStringLiteral("prompt"), QStringLiteral("prompt to fill in"), QStringLiteral("TEXT"));
  const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                      QStringLiteral("save the window as PNG after SECONDS and quit (docs pictures)"),
                                      QStringLiteral("FILE"));
  const QCommandLineOption delay(QStringLiteral("delay"), QStringLiteral("seconds before --screenshot (default 3)"),
                                 QStringLiteral("SECONDS"), QStringLiteral("3"));
  const QCommandLineOption bench(QStringLiteral("bench"), QStringLiteral("measure token clicks and scrubbing on RUN_DIR "
                                                                        "(or a reference-shape run it writes) and quit"));
  const QCommandLineOption repeats(QStringLiteral("repeats"), QStringLiteral("--bench repeats (default 30)"), QStringLiteral("N"),
                                   QStringLiteral("30"));
  const QCommandLineOption token(QStringLiteral("token"), QStringLiteral("word (or #N, eos, padding) to show first"),
                                 QStringLiteral("SPEC"));
  const QCommandLineOption grid(QStringLiteral("grid"),
                                QStringLiteral("grid to lay out: blocks, steps, heads, mean, tokens, composite"),
                                QStringLiteral("KIND"));
  cli.addOptions({model, prompt, screenshot, delay, bench, repeats, token, grid});
  cli.process(app);
  if (cli.isSet(bench))
    return wanattn::run_studio_bench(cli.positionalArguments().value(0), cli.value(repeats).toInt());

  wanattn::MainWindow w;
  if (cli.isSet(model))
    w.generatePanel()->setModelDir(QDir(cli.value(model)).absolutePath());
  else
    w.generatePanel()->useDemoModelIfUnset();  // nothing when none ships
  if (cli.isSet(prompt)) w.generatePanel()->setPrompt(cli.value(prompt));
  w.show();
  if (!cli.positionalArguments().isEmpty() && w.openRun(cli.positionalArguments().first())) {
    if (cli.isSet(token)) {
      std::vector<wanattn::render::TokenSet> sets;
      try {
        for (const QString& spec : cli.value(token).split(','))
          sets.push_back(wanattn::render::resolve_token(w.session()->run()->manifest(), spec.trimmed().toStdString(),
                                                        w.session()->run()->has_padding()));
        w.selection()->setTokens(sets);
      } catch (const std::exception& e) {
        w.showError(QString::fromStdString(e.what()));
      }
    }
    if (cli.isSet(grid)) {
      const QString k = cli.value(grid);
      using wanattn::GridKind;
      const GridKind kind = k == "steps" ? GridKind::BlockSteps : k == "heads" ? GridKind::HeadsSteps
                            : k == "mean" ? GridKind::GlobalMean : k == "tokens" ? GridKind::Tokens
                            : k == "composite" ? GridKind::Composite : GridKind::Blocks;
      w.dock(QStringLiteral("grids"))->show();
      w.dock(QStringLiteral("grids"))->raise();
      w.gridsPanel()->setKind(kind);
    }
  }
  if (cli.isSet(screenshot)) {
    const QString file = cli.value(screenshot);
    QTimer::singleShot(int(cli.value(delay).toDouble() * 1000), &w, [&w, file] {
      w.grab().save(file);
      QApplication::quit();
    });
  }
  return app.exec();
}
