#include "ui/map_canvas.h"

#include <QMouseEvent>
#include <QPainter>
#include <QResizeEvent>

namespace wanattn {

MapCanvas::MapCanvas(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(160, 100);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void MapCanvas::setImage(QImage image) {
  image_ = std::move(image);
  update();
}

QRect MapCanvas::imageRect() const {
  if (image_.isNull()) return {};
  const QSize s = image_.size().scaled(size(), Qt::KeepAspectRatio);
  return QRect(QPoint((width() - s.width()) / 2, (height() - s.height()) / 2), s);
}

QPoint MapCanvas::toImage(QPoint p) const {
  const QRect r = imageRect();
  if (r.isEmpty() || !r.contains(p)) return {-1, -1};
  const int x = int(double(p.x() - r.x()) * image_.width() / r.width());
  const int y = int(double(p.y() - r.y()) * image_.height() / r.height());
  return {std::min(x, image_.width() - 1), std::min(y, image_.height() - 1)};
}

QPoint MapCanvas::toWidget(QPoint p) const {
  const QRect r = imageRect();
  if (r.isEmpty()) return {-1, -1};
  return {r.x() + int((p.x() + 0.5) * r.width() / image_.width()), r.y() + int((p.y() + 0.5) * r.height() / image_.height())};
}

void MapCanvas::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  if (image_.isNull()) return;
  p.setRenderHint(QPainter::SmoothPixmapTransform, true);
  p.drawImage(imageRect(), image_);
}

void MapCanvas::mouseMoveEvent(QMouseEvent* e) { Q_EMIT hovered(toImage(e->position().toPoint())); }

void MapCanvas::mousePressEvent(QMouseEvent* e) {
  const QPoint p = toImage(e->position().toPoint());
  if (p.x() >= 0 && e->button() == Qt::LeftButton) Q_EMIT clicked(p, e->modifiers());
}

void MapCanvas::leaveEvent(QEvent*) { Q_EMIT hovered({-1, -1}); }

void MapCanvas::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  Q_EMIT resized(size());
}

}  // namespace wanattn
